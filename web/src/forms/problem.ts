// The shared form-error helper: turns an API problem into messages next to
// the right fields. The API names fields by path ("fields/application/
// parties/0/name", "phone"); a form says which prefix its own fields sit
// under, and gets a reactive map from its field keys ("parties.0.name") to
// the Chinese messages, plus the problem's general message. Nothing typed is
// ever cleared here: a failed submission leaves the form as it was.
import { reactive, ref } from 'vue'
import { ApiError } from '../api/client'

export interface FormErrors {
  /** field key ("parties.0.name") → Chinese message */
  fields: Record<string, string>
  /** the problem's title/detail when not every error found its field */
  general: { value: string }
  /** Shows err (an ApiError or anything else); returns the field keys shown. */
  show(err: unknown): string[]
  clear(): void
  /** Message for a field key, or '' (for el-form-item's :error). */
  of(key: string): string
  /** Whether any field key starting with prefix has an error. */
  any(prefix: string): boolean
}

/** API path → form key: strip prefix, slashes to dots. */
export function fieldKey(path: string, prefix = ''): string | null {
  const p = prefix && !prefix.endsWith('/') ? prefix + '/' : prefix
  if (p && !path.startsWith(p)) return null
  return path.slice(p.length).replace(/^query\//, '').split('/').join('.')
}

export function useFormErrors(prefix = ''): FormErrors {
  const fields = reactive<Record<string, string>>({})
  const general = ref('')
  const clear = () => {
    for (const k of Object.keys(fields)) delete fields[k]
    general.value = ''
  }
  return {
    fields,
    general,
    clear,
    show(err: unknown): string[] {
      clear()
      if (!(err instanceof ApiError)) {
        general.value = err instanceof Error ? err.message : String(err)
        return []
      }
      const shown: string[] = []
      let unplaced = false
      for (const fe of err.fieldErrors) {
        const key = fieldKey(fe.field, prefix)
        if (key === null || key === '') {
          unplaced = true
          general.value = general.value ? general.value + '；' + fe.message : fe.message
          continue
        }
        fields[key] = fields[key] ? fields[key] + '；' + fe.message : fe.message
        shown.push(key)
      }
      if (!err.fieldErrors.length || unplaced) {
        const head = err.problem.detail || err.problem.title
        general.value = general.value ? `${head}：${general.value}` : head
      } else if (!general.value) {
        general.value = err.problem.title
      }
      return shown
    },
    of: (key: string) => fields[key] ?? '',
    any: (prefix2: string) => Object.keys(fields).some((k) => k === prefix2 || k.startsWith(prefix2 + '.')),
  }
}
