/**
 * Whether this browser draws WebGL in software (no graphics processor, or one the browser will
 * not use: SwiftShader, llvmpipe, Microsoft's Basic Render Driver). A station laptop or a wall
 * screen's PC without a usable GPU draws each map frame on the CPU, in hundreds of milliseconds
 * at desk size: fades and camera flights then cost several such frames and stutter, so the map
 * jumps and shows labels at once instead (as with the system's "reduce motion" setting).
 */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i

export function softwareWebGL(): boolean {
  try {
    const canvas = document.createElement('canvas')
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl')
    if (!gl) return false
    const info = gl.getExtension('WEBGL_debug_renderer_info')
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '')
    gl.getExtension('WEBGL_lose_context')?.loseContext()
    return SOFTWARE.test(renderer)
  } catch {
    return false
  }
}
