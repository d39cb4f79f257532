// Kiosk mode (the self-service terminal in the court's hall): large touch
// targets, no hover-only controls, and the session ends after inactivity so
// the next person never sees the last one's matters. Turned on with
// ?kiosk=1 (the terminal's start page), off with ?kiosk=0; the flag is kept
// in sessionStorage for the tab (it is not personal data).
import { ref } from 'vue'
import { setChannel } from './api/client'

export const KIOSK_IDLE_MS = 120_000
export const KIOSK_WARN_MS = 20_000

export const kiosk = ref(false)
export const kioskWarning = ref(0) // seconds left, 0 = no warning shown

export function initKiosk(): void {
  const q = new URLSearchParams(window.location.search).get('kiosk')
  if (q === '1') sessionStorage.setItem('yz-kiosk', '1')
  if (q === '0') sessionStorage.removeItem('yz-kiosk')
  kiosk.value = sessionStorage.getItem('yz-kiosk') === '1'
  document.documentElement.classList.toggle('kiosk', kiosk.value)
  if (kiosk.value) setChannel('kiosk')
  else if (window.matchMedia('(max-width: 640px)').matches) setChannel('mobile')
}

/** Calls onIdle after KIOSK_IDLE_MS without input (kiosk mode only). */
export function watchIdle(onIdle: () => void, idleMs = KIOSK_IDLE_MS): () => void {
  if (!kiosk.value) return () => {}
  let last = Date.now()
  const bump = () => {
    last = Date.now()
    kioskWarning.value = 0
  }
  const events = ['pointerdown', 'keydown', 'touchstart', 'wheel']
  events.forEach((e) => window.addEventListener(e, bump, { passive: true }))
  const timer = window.setInterval(() => {
    const left = idleMs - (Date.now() - last)
    if (left <= 0) {
      bump()
      onIdle()
    } else if (left <= KIOSK_WARN_MS) {
      kioskWarning.value = Math.ceil(left / 1000)
    }
  }, 1000)
  return () => {
    window.clearInterval(timer)
    events.forEach((e) => window.removeEventListener(e, bump))
  }
}
