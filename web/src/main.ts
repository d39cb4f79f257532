import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles/theme.css'
import './styles/staff.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { initKiosk } from './kiosk'

initKiosk()
createApp(App).use(ElementPlus, { locale: zhCn }).use(i18n).use(router).mount('#app')
