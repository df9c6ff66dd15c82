/** The seed's `기본응답`: every seed answer but /api/stats, /api/router/info and /api/config has this shape. */
export interface SeedAnswer {
  readonly 성공: boolean;
  readonly 메시지: string;
  readonly 타임스탬프: string;
  readonly 세부정보: Record<string, unknown> | null;
}

export function seedAnswer(성공: boolean, 메시지: string, 세부정보: Record<string, unknown> | null): SeedAnswer {
  return { 성공, 메시지, 타임스탬프: new Date().toISOString(), 세부정보 };
}

/**
 * A failure in the seed's shape. Seed clients branch on `세부정보.오류타입`, which the seed filled with
 * the raised exception's class name: `ValueError` for a bad type, as here; other failures carry the
 * name of our own error class, since the seed's Python ones do not exist here.
 */
export function seedFailure(메시지: string, 오류타입: string, details: Record<string, unknown> = {}): SeedAnswer {
  return seedAnswer(false, 메시지, { 오류타입, ...details });
}
