// Every string the desk shows goes through these messages. Simplified Chinese is the default,
// whatever the browser's language; a user's choice of English is saved on their account.
import { createI18n } from 'vue-i18n'
import zh from './zh-CN'
import en from './en'
import * as studioForms from './studioForms'

export const i18n = createI18n({
  legacy: false,
  locale: 'zh',
  fallbackLocale: 'zh',
  messages: { zh: { ...zh, studioForms: studioForms.zh }, en: { ...en, studioForms: studioForms.en } },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(lang) { i18n.global.locale.value = lang === 'en' ? 'en' : 'zh' }
export const t = (...args) => i18n.global.t(...args)
