// Every string the UI shows goes through vue-i18n. zh-CN is the only locale
// now; an English file can be added beside it (same keys) and listed here.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'

export type MessageSchema = typeof zhCN

export const i18n = createI18n<[MessageSchema], 'zh-CN'>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN },
  // A missing key is a bug: the browser tests fail on this warning.
  missingWarn: true,
  fallbackWarn: false,
})

export const t = i18n.global.t
