import Credentials
import Foundation
import HTTP
import Mustache

/// Renders samlgate's HTML pages with the security headers every page carries.
///
/// Headers: a Content-Security-Policy allowing nothing but the one inline stylesheet (by hash) and
/// same-origin form posts, no framing, no referrer, no caching — pages carry CSRF tokens and
/// sign-in state.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    let contentSecurityPolicy: String
    /// The stylesheet hashes, shared by both policies.
    private let styleSources: String
    /// The hash of the HTTP-POST page's script.
    private let autoPostScriptSource: String

    init() {
        var library = MustacheLibrary()
        do {
            try library.register(PageTemplates.error, named: "error")
            try library.register(PageTemplates.signIn, named: "signIn")
            try library.register(PageTemplates.signOut, named: "signOut")
            try library.register(PageTemplates.signedOut, named: "signedOut")
            try library.register(SettingsTemplate.page, named: "settings")
            try library.register(PageTemplates.autoPost, named: "autoPost")
        } catch {
            preconditionFailure("a built-in page template does not parse: \(error)")
        }
        self.library = library
        func hash(_ text: String) -> String {
            "'sha256-" + Data(Digests.sha256(Array(text.utf8))).base64EncodedString() + "'"
        }
        let styles = [PageTemplates.stylesheet, SettingsTemplate.stylesheet].map(hash).joined(separator: " ")
        styleSources = styles
        autoPostScriptSource = hash(PageTemplates.autoPostScript)
        contentSecurityPolicy =
            "default-src 'none'; style-src \(styles); script-src \(hash(SettingsTemplate.script)); img-src 'self' data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    /// Headers for every HTML page.
    var securityHeaders: [(name: String, value: String)] {
        [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ]
    }

    /// A page from template `name` rendered with `values`.
    ///
    /// `formRedirectOrigin` (`scheme://host[:port]`) is added to `form-action` for a page whose form posts
    /// to us and is answered with a redirect there: browsers apply `form-action` to a form's redirects too,
    /// so the sign-out form, whose answer goes on to the IdP's Single Logout URL, needs the IdP's origin.
    func page(
        _ name: String, status: Int, values: [String: Any], extraHeaders: [(name: String, value: String)] = [],
        formRedirectOrigin: String? = nil
    ) -> HTTPResponse {
        let html = library.render(values, withTemplate: name) ?? "<!doctype html><title>Error</title>"
        var headers = securityHeaders
        if let formRedirectOrigin {
            let policy = contentSecurityPolicy.replacingOccurrences(
                of: "form-action 'self'", with: "form-action 'self' \(formRedirectOrigin)")
            headers = headers.map { $0.name == "Content-Security-Policy" ? ($0.name, policy) : $0 }
        }
        return HTTPResponse(status: status, headers: headers + extraHeaders, body: Array(html.utf8))
    }

    /// The HTTP-POST binding page that sends `message` as form field `fieldName` (and `relayState`) to
    /// `action`, on `origin` (`scheme://host[:port]`, the only place its form may post to).
    ///
    /// Its policy differs from every other page's in two sources only: the auto-submit script (by hash)
    /// and `form-action` naming the IdP's origin instead of `'self'`.
    func autoPost(
        action: String, origin: String, fieldName: String, message: String, relayState: String?,
        heading: String = "Continuing to sign-in…"
    ) -> HTTPResponse {
        var values: [String: Any] = [
            "title": heading, "heading": heading, "action": action, "fieldName": fieldName, "message": message,
        ]
        if let relayState { values["relayState"] = relayState }
        let policy =
            "default-src 'none'; style-src \(styleSources); script-src \(autoPostScriptSource); "
            + "form-action \(origin); frame-ancestors 'none'; base-uri 'none'"
        let headers = securityHeaders.map { $0.name == "Content-Security-Policy" ? ($0.name, policy) : $0 }
        let html = library.render(values, withTemplate: "autoPost") ?? "<!doctype html><title>Error</title>"
        return HTTPResponse(status: 200, headers: headers, body: Array(html.utf8))
    }

    /// A short error page: a title, one human sentence, and the reference id that names the log row.
    func error(status: Int, title: String, message: String, reference: String? = nil, retryURL: String? = nil)
        -> HTTPResponse
    {
        var values: [String: Any] = ["title": title, "message": message]
        if let reference { values["reference"] = reference }
        if let retryURL { values["retryURL"] = retryURL }
        return page("error", status: status, values: values)
    }
}
