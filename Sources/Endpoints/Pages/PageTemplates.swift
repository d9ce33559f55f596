/// The HTML of samlgate's pages, as Mustache templates (`{{value}}` is HTML-escaped by the engine).
///
/// Kept in code rather than resource files so a statically linked responder needs no files beside it.
enum PageTemplates {
    /// The one stylesheet, inlined and allowed by its hash in the Content-Security-Policy.
    static let stylesheet = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}\
        main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;\
        box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
        label{display:block;margin:.8rem 0 .2rem;font-weight:600}\
        input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box;\
        border:1px solid #b6bcc8;border-radius:4px;font:inherit}\
        button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1.2rem;border:0;border-radius:4px;\
        background:#2456d6;color:#fff;font:inherit;text-decoration:none;cursor:pointer}\
        .secondary{background:#5b6475}.error{background:#fde8e8;border:1px solid #f3b4b4;padding:.6rem;\
        border-radius:4px}.notice{background:#e8f0fd;border:1px solid #b4c9f3;padding:.6rem;border-radius:4px}\
        .reference{font-family:ui-monospace,monospace;background:#eef0f4;padding:.1rem .3rem;border-radius:3px}\
        .muted{color:#5b6475;font-size:.9rem}
        """

    static let layoutStart = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <meta name="referrer" content="no-referrer"><title>{{title}}</title><style>\(stylesheet)</style></head>
        <body><main>
        """

    static let layoutEnd = "</main></body></html>\n"

    static let error =
        layoutStart + """
            <h1>{{title}}</h1>
            <p>{{message}}</p>
            {{#reference}}<p class="muted">If you ask for help, quote this reference: \
            <span class="reference">{{reference}}</span></p>{{/reference}}
            {{#retryURL}}<p><a class="button" href="{{retryURL}}">Try again</a></p>{{/retryURL}}
            """ + layoutEnd

    static let signIn =
        layoutStart + """
            <h1>Sign in to {{accountName}}</h1>
            {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
            {{#notice}}<p class="notice">{{notice}}</p>{{/notice}}
            {{#ssoURL}}<p><a class="button" href="{{ssoURL}}">Sign in with SSO</a></p>{{/ssoURL}}
            {{#showPassword}}
            <form method="post" action="{{formAction}}">
            <input type="hidden" name="csrf_token" value="{{csrfToken}}">
            <input type="hidden" name="return_to" value="{{returnTo}}">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit"{{#ssoURL}} class="secondary"{{/ssoURL}}>Sign in with password</button>
            </form>
            {{#forced}}<p class="muted">Single sign-on is required for this account; only the account owner \
            can sign in with a password.</p>{{/forced}}
            {{/showPassword}}
            """ + layoutEnd

    static let signOut =
        layoutStart + """
            <h1>Sign out of {{accountName}}</h1>
            {{#csrfToken}}
            <p>You are signed in as {{email}}.</p>
            <form method="post" action="{{formAction}}">
            <input type="hidden" name="csrf_token" value="{{csrfToken}}">
            <button type="submit">Sign out</button>
            </form>
            {{/csrfToken}}
            {{^csrfToken}}<p>You are not signed in.</p><p><a class="button" href="{{signInURL}}">Sign in</a></p>{{/csrfToken}}
            """ + layoutEnd

    /// Where a browser lands after signing out. It never sends the browser anywhere by itself: with
    /// Force SAML a redirect to sign-in would take the user straight back through the IdP.
    static let signedOut =
        layoutStart + """
            <h1>Signed out of {{accountName}}</h1>
            <p>You are signed out.</p>
            {{#notice}}<p class="muted">{{notice}}</p>{{/notice}}
            <p><a class="button" href="{{signInURL}}">Sign in again</a></p>
            """ + layoutEnd

    /// The one script of the HTTP-POST binding page: submits the form as soon as the page loads.
    static let autoPostScript = "document.forms[0].submit();"

    /// The HTTP-POST binding's page: a form carrying the signed message to the IdP, submitted by the
    /// script (allowed by its hash), or by the button when scripts are off.
    static let autoPost =
        layoutStart + """
            <h1>{{heading}}</h1>
            <form method="post" action="{{action}}">
            <input type="hidden" name="{{fieldName}}" value="{{message}}">
            {{#relayState}}<input type="hidden" name="RelayState" value="{{relayState}}">{{/relayState}}
            <noscript><p>Your browser does not run scripts; press the button to continue.</p></noscript>
            <button type="submit">Continue</button>
            </form>
            <script>\(autoPostScript)</script>
            """ + layoutEnd
}
