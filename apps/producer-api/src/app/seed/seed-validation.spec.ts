import { seedValidationFailure } from './seed-validation';

const TYPE_ERROR = { field: '타입', messages: ['타입 must be one of SUBSCRIPTION, MNP, CHANGE, TERMINATION (case-insensitive); got "ROAMING"'] };

describe('seedValidationFailure', () => {
  it('answers an unknown type string as the seed did: a ValueError naming the type', () => {
    const answer = seedValidationFailure({ 타입: 'ROAMING', 내용: '로밍' }, [TYPE_ERROR]);
    expect(answer).toEqual({
      성공: false,
      메시지: '메시지 처리 실패: 유효하지 않은 메시지 타입: ROAMING',
      타임스탬프: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      세부정보: { 오류타입: 'ValueError', 오류목록: [TYPE_ERROR] },
    });
    expect(answer).not.toHaveProperty('detail');
  });

  it('answers any schema fault as a RequestValidationError with FastAPI-shaped detail', () => {
    const errors = [
      { field: '내용', messages: ['content must not be blank'] },
      { field: '메시지목록[2].속성들', messages: ['attributes must be an object', 'too deep'] },
    ];
    expect(seedValidationFailure({ 타입: 'MNP', 내용: ' ' }, errors)).toEqual({
      성공: false,
      메시지: '메시지 검증 실패',
      타임스탬프: expect.any(String),
      세부정보: { 오류타입: 'RequestValidationError', 오류목록: errors },
      detail: [
        { loc: ['body', '내용'], msg: 'content must not be blank', type: 'value_error' },
        { loc: ['body', '메시지목록', 2, '속성들'], msg: 'attributes must be an object', type: 'value_error' },
        { loc: ['body', '메시지목록', 2, '속성들'], msg: 'too deep', type: 'value_error' },
      ],
    });
  });

  it('treats a type that is not a string, or a bad type beside other faults, as a schema fault, like pydantic did', () => {
    expect(seedValidationFailure({ 타입: 7, 내용: 'x' }, [TYPE_ERROR]).세부정보).toMatchObject({ 오류타입: 'RequestValidationError' });
    const alsoBlank = [TYPE_ERROR, { field: '내용', messages: ['content must not be blank'] }];
    expect(seedValidationFailure({ 타입: 'ROAMING', 내용: '' }, alsoBlank).세부정보).toMatchObject({ 오류타입: 'RequestValidationError' });
  });

  it('places a body that is not an object, and a bad header, where FastAPI would', () => {
    expect(seedValidationFailure([1], [{ field: 'body', messages: ['must be a JSON object'] }]).detail).toEqual([
      { loc: ['body'], msg: 'must be a JSON object', type: 'value_error' },
    ]);
    expect(seedValidationFailure({}, [{ field: 'Idempotency-Key', messages: ['bad key'] }], 'header').detail).toEqual([
      { loc: ['header', 'Idempotency-Key'], msg: 'bad key', type: 'value_error' },
    ]);
  });
});
