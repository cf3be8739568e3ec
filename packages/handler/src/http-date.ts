/**
 * HTTP dates (RFC 9110 §5.6.7): the preferred IMF-fixdate and the two obsolete
 * forms a recipient must still accept. Case-sensitive and strict: Date.parse
 * is not used, since it accepts almost anything and reads asctime dates in the
 * local time zone. HTTP dates have one-second resolution.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const MONTH = `(${MONTHS.join('|')})`
const DAY_NAME = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const LONG_DAY_NAME = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY_NAME}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`)
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850_DATE = new RegExp(`^${LONG_DAY_NAME}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`)
/** `Sun Nov  6 08:49:37 1994` (obsolete; always UTC) */
const ASCTIME_DATE = new RegExp(`^${DAY_NAME} ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`)

/**
 * The instant of an HTTP date in milliseconds since the epoch (a whole number
 * of seconds), or undefined when `value` is not a valid HTTP date, which the
 * conditional headers then ignore. The day name is not checked against the
 * date, as in most servers. `now` resolves the two-digit years of rfc850 dates.
 */
export function parseHttpDate(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  let m = IMF_FIXDATE.exec(text)
  if (m !== null) return instant(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!)
  m = RFC850_DATE.exec(text)
  if (m !== null) return instant(fullYear(+m[3]!, now), m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!)
  m = ASCTIME_DATE.exec(text)
  if (m !== null) return instant(+m[6]!, m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!)
  return undefined
}

/** `date` as an IMF-fixdate, the form HTTP senders must use. */
export function formatHttpDate(date: Date): string {
  // ECMAScript specifies toUTCString as exactly this format.
  return date.toUTCString()
}

/** Whole seconds since the epoch: the resolution at which HTTP dates compare. */
export function httpSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}

function instant(
  year: number,
  monthName: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const month = MONTHS.indexOf(monthName)
  // Second 60 is a leap second (RFC 9110 allows it); it counts as the next minute's 00.
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined
  if (day > daysInMonth(year, month)) return undefined
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  date.setUTCHours(hour, minute, second, 0)
  return date.getTime()
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return month === 1 && leap ? 29 : DAYS_IN_MONTH[month]!
}

/**
 * RFC 9110 §5.6.7: a two-digit year that would be more than 50 years in the
 * future is the most recent past year with those last two digits.
 */
function fullYear(twoDigits: number, now: number): number {
  const current = new Date(now).getUTCFullYear()
  let year = current - (current % 100) + twoDigits
  if (year > current + 50) year -= 100
  return year
}
