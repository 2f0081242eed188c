// Swagger UI for Switchboard: the document from this server; "Authorize" takes a bearer token
// (from POST /oauth/token) and "Try it out" sends it. Served as a file: the page's CSP allows no
// inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v2/docs/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    // BaseLayout: the standalone preset's top bar (a box to load another document) is not wanted,
    // and its Swagger logo is an SVG with an inline <style> that the CSP refuses.
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
