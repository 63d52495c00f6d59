import type { Photo } from './entry-api.ts'

/** Longest side of a photo as sent (plenty to see a broken manhole cover; about 100–300 KB). */
export const PHOTO_MAX_PX = 1280

/** A camera photo shrunk to PHOTO_MAX_PX and re-encoded as JPEG, base64 for the API and the outbox. */
export async function shrinkPhoto(file: File, maxPx = PHOTO_MAX_PX, quality = 0.72): Promise<Photo> {
  const bitmap = await createImageBitmap(file)
  const scale = Math.min(1, maxPx / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(bitmap.width * scale))
  canvas.height = Math.max(1, Math.round(bitmap.height * scale))
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', quality))
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return { content_type: 'image/jpeg', data: btoa(binary) }
}
