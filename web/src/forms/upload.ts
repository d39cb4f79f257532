// One file of the filing uploaded as a material of the published checklist
// (POST /attachments): the wizard's per-material inputs, the power of
// attorney of an agent and the files of the evidence list share it. A
// refusal comes back as one Chinese line (the problem and its field messages).
import { api, ApiError } from '../api/client'

export interface Uploaded {
  id: number
  name: string
}

export async function uploadMaterial(file: File, material: string, title: string): Promise<Uploaded> {
  const fd = new FormData()
  fd.append('file', file)
  fd.append('kind', material)
  fd.append('title', title.slice(0, 60))
  return api.upload<Uploaded>('/attachments', fd)
}

export function uploadMessage(e: unknown): string {
  return e instanceof ApiError ? [e.message, ...e.fieldErrors.map((f) => f.message)].join('；') : String(e)
}
