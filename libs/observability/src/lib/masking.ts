/**
 * Personal data never reaches the logs whole. MSISDNs keep their prefix and last four digits
 * (enough to tell lines apart when debugging), customer ids their first two and last two
 * characters, names their first character.
 */
export function maskMsisdn(msisdn: string): string {
  const match = /^(01\d)(-?)(\d{3,4})(-?)(\d{4})$/.exec(msisdn);
  if (!match) return '*'.repeat(Math.min(msisdn.length, 12));
  const [, prefix, firstDash, middle, secondDash, last] = match;
  return `${prefix}${firstDash}${'*'.repeat(middle.length)}${secondDash}${last}`;
}

/** Ids shorter than this are masked whole: a kept prefix and suffix would give most of them away. */
const SHORTEST_PARTLY_SHOWN_CUSTOMER_ID = 7;

export function maskCustomerId(customerId: string): string {
  if (customerId.length < SHORTEST_PARTLY_SHOWN_CUSTOMER_ID) return '*'.repeat(customerId.length);
  return `${customerId.slice(0, 2)}${'*'.repeat(customerId.length - 4)}${customerId.slice(-2)}`;
}

export function maskName(name: string): string {
  const characters = [...name];
  return characters.length <= 1 ? '*' : `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

const MASKS: Partial<Record<string, (value: string) => string>> = {
  msisdn: maskMsisdn,
  customerId: maskCustomerId,
  name: maskName,
  businessRegistrationNumber: (value) => value.replace(/\d/g, '*'),
};

/** A deep copy of a payload with every personal field masked, safe to log. */
export function maskPersonalData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const mask = MASKS[key];
      return [key, mask && typeof field === 'string' ? mask(field) : maskPersonalData(field)];
    }),
  ) as T;
}

const MSISDN_IN_TEXT = /\b(01[016789])-?(\d{3,4})-?(\d{4})\b/g;

/** Masks MSISDNs inside free text such as error messages echoed by a backend. */
export function maskMsisdnsInText(text: string): string {
  return text.replace(MSISDN_IN_TEXT, (msisdn) => maskMsisdn(msisdn));
}

const CUSTOMER_ID_IN_TEXT = /\bC\d{8,12}\b/g;

/** Masks MSISDNs and customer ids inside free text such as error messages echoed by a backend. */
export function maskPersonalDataInText(text: string): string {
  return maskMsisdnsInText(text).replace(CUSTOMER_ID_IN_TEXT, (customerId) => maskCustomerId(customerId));
}
