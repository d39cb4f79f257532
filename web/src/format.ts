// Money is integer fen in the API; times are UTC and shown in Asia/Shanghai.

export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  const neg = fen < 0
  const v = Math.abs(fen)
  const s = `${Math.floor(v / 100).toLocaleString('zh-CN')}.${String(v % 100).padStart(2, '0')}`
  return `${neg ? '-' : ''}${s} 元`
}

/** "12,345.67" (yuan text from a form) → fen, or null when not a valid amount. */
export function toFen(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined) return null
  const s = String(text).replace(/[,，\s]/g, '')
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(s)) return null
  const [i, f = ''] = s.split('.')
  return Number(i) * 100 + Number((f + '00').slice(0, 2))
}

const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hour12: false,
})

export function dateTime(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—'
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? String(v) : fmt.format(d)
}
