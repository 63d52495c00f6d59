// The API docs page's start-up (server/src/api-docs/routes.ts serves it at
// /api/docs/assets/api-docs-init.js): a file of its own, since the Content-Security-Policy
// allows no inline script. Swagger UI reads the document the server publishes at /api/openapi.json.
window.addEventListener('load', function () {
  window.ui = window.SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    // Swagger UI's own layout without the standalone top bar (its URL box could load any document).
    layout: 'BaseLayout',
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: true,
    // No badge from validator.swagger.io: nothing is fetched from outside the server.
    validatorUrl: null,
  })
})
