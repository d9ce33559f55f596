import Foundation

/// The Authentication settings page (its rules: ``SettingsValidator``).
///
/// Values are rendered with `{{…}}`, which the Mustache engine HTML-escapes; the copy buttons use the
/// one small script below, allowed by its hash in the Content-Security-Policy.
enum SettingsTemplate {
    /// Copies the text of the element named by `data-copy` to the clipboard.
    static let script = """
        document.querySelectorAll("button[data-copy]").forEach(function(b){b.addEventListener("click",function(){\
        var t=document.getElementById(b.getAttribute("data-copy")).textContent;navigator.clipboard.writeText(t).then(\
        function(){b.textContent="Copied";setTimeout(function(){b.textContent="Copy"},1500)})})});
        """

    static let stylesheet = """
        main.wide{max-width:56rem}fieldset{border:1px solid #d6dae2;border-radius:6px;margin:1.2rem 0;padding:1rem 1.2rem}\
        legend{font-weight:700;padding:0 .4rem}.url{display:flex;gap:.5rem;align-items:center;margin:.3rem 0}\
        .url code{flex:1;background:#eef0f4;padding:.4rem .6rem;border-radius:4px;overflow-wrap:anywhere}\
        .url button{margin:0;padding:.35rem .8rem}input[type=text],input[type=url],input[type=number],textarea{width:100%;\
        padding:.45rem;box-sizing:border-box;border:1px solid #b6bcc8;border-radius:4px;font:inherit}\
        textarea{min-height:6rem;font-family:ui-monospace,monospace;font-size:.85rem}.check{display:flex;gap:.5rem;\
        align-items:flex-start;margin:.7rem 0;font-weight:600}.check input{margin-top:.35rem}.hint{color:#5b6475;\
        font-size:.9rem;font-weight:400}.field-error{color:#a11d1d;font-weight:600;margin:.3rem 0}\
        .invalid{border-color:#c53030!important}table{border-collapse:collapse;width:100%;font-size:.9rem}\
        th,td{text-align:left;padding:.4rem;border-bottom:1px solid #e3e6ec;vertical-align:top}\
        .cert{background:#f7f8fa;border:1px solid #e3e6ec;border-radius:4px;padding:.5rem .7rem;margin:.4rem 0}\
        .warn{color:#8a4b00;font-weight:600}.bad{color:#a11d1d;font-weight:600}.ok{color:#1d6b32;font-weight:600}\
        .success{background:#e6f6ea;border:1px solid #a9dcb5;padding:.6rem;border-radius:4px}\
        .topbar{display:flex;justify-content:space-between;align-items:center}.topbar form button{margin:0}\
        details summary{cursor:pointer;font-weight:600}
        """

    static let page =
        PageTemplates.layoutStart.replacingOccurrences(of: "<main>", with: "<main class=\"wide\">") + """
            <style>\(stylesheet)</style>
            <div class="topbar"><h1>Authentication — {{accountName}}</h1>
            <form method="post" action="{{logoutURL}}"><input type="hidden" name="csrf_token" value="{{logoutToken}}"><button class="secondary" type="submit">Sign out {{userEmail}}</button></form></div>
            {{#saved}}<p class="success" role="status">Settings saved.</p>{{/saved}}
            {{#formError}}<p class="error" role="alert">{{formError}}</p>{{/formError}}
            {{#testResult}}<p class="{{testClass}}" role="status">Test sign-in: {{testResult}}</p>{{/testResult}}

            <fieldset><legend>Give these to your identity provider</legend>
            <label>Post-back URL (ACS URL, Single sign-on URL)</label>
            <div class="url"><code id="postback-url">{{postbackURL}}</code><button type="button" data-copy="postback-url">Copy</button></div>
            <label>Audience URI (SP entity ID)</label>
            <div class="url"><code id="audience-uri">{{audienceURI}}</code><button type="button" data-copy="audience-uri">Copy</button></div>
            <label>Single Logout URL <span class="hint">— for IdPs that ask for one (Redirect and POST)</span></label>
            <div class="url"><code id="slo-url">{{spSLOURL}}</code><button type="button" data-copy="slo-url">Copy</button></div>
            <p class="hint">Or give the IdP our <a href="{{metadataURL}}">SP metadata</a>. NameID format: email address; \
            optional attributes <code>email</code>, <code>given_name</code>, <code>family_name</code>.</p>
            <label>This service provider's certificates <span class="hint">— its own keys; rolled over with \
            <code>samlgate sp-key</code></span></label>
            <form method="post" action="{{settingsURL}}" enctype="multipart/form-data">
            <input type="hidden" name="csrf_token" value="{{csrfToken}}">
            {{#spKeys}}<div class="cert"><div><strong>Key {{id}}</strong> <span class="hint">({{state}})</span> \
            <a href="{{downloadURL}}" download>Download certificate</a></div>
            <div class="hint">SHA-256 {{sha256}}</div><div>Expires {{notAfter}} \
            {{#expired}}<span class="bad">— expired: replace it</span>{{/expired}}\
            {{#expiresSoon}}<span class="warn">— expires in {{daysLeft}} days: plan a rollover</span>{{/expiresSoon}}</div>
            {{#activatable}}<button type="submit" class="secondary" name="sp_key_action" value="activate:{{id}}">\
            Activate (signs from now; the current key is retired)</button>{{/activatable}}
            {{#removable}}<button type="submit" class="secondary" name="sp_key_action" value="remove:{{id}}">\
            Remove{{#retired}} (assertions encrypted to it can no longer be read){{/retired}}</button>{{/removable}}\
            </div>{{/spKeys}}
            {{^spKeys}}<p class="hint">No SP key yet: run <code>samlgate init</code>.</p>{{/spKeys}}
            {{#errors.sp_key}}<p class="field-error" id="sp_key-error">{{errors.sp_key}}</p>{{/errors.sp_key}}
            {{#spKeyDone}}<p class="success" role="status">{{spKeyDone}}</p>{{/spKeyDone}}
            <button type="submit" class="secondary" name="sp_key_action" value="add">Add a next key</button>
            <p class="hint">Rollover: add a next key, give the IdP the new metadata (it lists both keys), activate it, \
            then remove the retired key once the IdP no longer encrypts to it.</p>
            </form>
            </fieldset>

            <form method="post" action="{{settingsURL}}" enctype="multipart/form-data" novalidate>
            <input type="hidden" name="csrf_token" value="{{csrfToken}}">
            <input type="hidden" name="settings_version" value="{{settingsVersion}}">
            {{#pendingCertificates}}<input type="hidden" name="pending_certificate" value="{{base64}}">{{/pendingCertificates}}

            <fieldset><legend>Identity provider</legend>
            <label class="check"><input type="checkbox" name="enabled" id="enabled"{{#enabled}} checked{{/enabled}}>\
            <span>Enable SAML sign-in</span></label>
            {{#errors.enabled}}<p class="field-error">{{errors.enabled}}</p>{{/errors.enabled}}

            <label for="sso_url">Single Sign-On URL</label>
            <input type="url" id="sso_url" name="sso_url" value="{{ssoURL}}" placeholder="https://idp.example.com/app/sso/saml"\
            {{#errors.sso_url}} class="invalid" aria-invalid="true"{{/errors.sso_url}}>
            {{#errors.sso_url}}<p class="field-error" id="sso_url-error">{{errors.sso_url}}</p>{{/errors.sso_url}}

            <label for="idp_entity_id">IdP entity ID (Issuer) <span class="hint">— optional; when set, responses must come from it</span></label>
            <input type="text" id="idp_entity_id" name="idp_entity_id" value="{{idpEntityID}}"\
            {{#errors.idp_entity_id}} class="invalid" aria-invalid="true"{{/errors.idp_entity_id}}>
            {{#errors.idp_entity_id}}<p class="field-error">{{errors.idp_entity_id}}</p>{{/errors.idp_entity_id}}

            {{#metadataSource}}<div class="cert" id="metadata-source"><div><strong>Kept current from the IdP's \
            metadata</strong> <span class="hint">— {{url}}</span></div>
            <div class="hint">Fetched every {{refresh}} s (sooner when the document says so){{#pinned}}; its signature \
            must verify with SHA-256 {{pinned}}{{/pinned}}. Change it with <code>samlgate saml set \
            --idp-metadata-url</code>; fetch now with <code>samlgate saml refresh</code>.</div>
            <div>Last fetch {{lastFetch}}: {{#lastError}}<span class="bad">failed — {{lastError}}</span>{{/lastError}}\
            {{^lastError}}<span class="ok">applied</span>{{/lastError}} · last applied {{lastSuccess}} · next fetch \
            {{nextFetch}}</div>
            {{#failing}}<p class="warn" role="alert">Warning: {{failing}}. Sign-ins go on with the certificates below; \
            a certificate rollover at the IdP will not reach samlgate until the URL works again.</p>{{/failing}}
            </div>{{/metadataSource}}
            <label>X.509 signing certificates</label>
            {{#certificates}}<div class="cert"><div><strong>{{subject}}</strong> <span class="hint">({{origin}})</span></div>
            <div class="hint">SHA-256 {{sha256}}</div><div>Expires {{notAfter}} \
            {{#expired}}<span class="bad">— expired: replace it</span>{{/expired}}\
            {{#expiresSoon}}<span class="warn">— expires in {{daysLeft}} days: plan a rollover</span>{{/expiresSoon}}</div>
            <label class="check"><input type="checkbox" name="remove_certificate" value="{{sha256}}"> <span class="hint">Remove on save</span></label></div>{{/certificates}}
            {{^certificates}}<p class="hint">No certificate yet.</p>{{/certificates}}
            {{#pendingCertificates}}<div class="cert"><div><strong>{{subject}}</strong> <span class="warn">— from metadata, added on save</span></div>
            <div class="hint">SHA-256 {{sha256}} · expires {{notAfter}}</div></div>{{/pendingCertificates}}
            <label for="certificate">Add a certificate <span class="hint">— PEM or CER file from your IdP; several allow a rollover</span></label>
            <input type="file" id="certificate" name="certificate" multiple accept=".pem,.cer,.crt,.der"\
            {{#errors.certificate}} class="invalid" aria-invalid="true"{{/errors.certificate}}>
            {{#errors.certificate}}<p class="field-error" id="certificate-error">{{errors.certificate}}</p>{{/errors.certificate}}

            <details{{#metadataOpen}} open{{/metadataOpen}}><summary>Or paste the IdP's metadata</summary>
            <label for="idp_metadata">IdP metadata XML</label>
            <textarea id="idp_metadata" name="idp_metadata">{{idpMetadata}}</textarea>
            <label for="idp_metadata_file">or upload the metadata file</label>
            <input type="file" id="idp_metadata_file" name="idp_metadata_file" accept=".xml">
            {{#errors.idp_metadata}}<p class="field-error">{{errors.idp_metadata}}</p>{{/errors.idp_metadata}}
            <button type="submit" name="action" value="load_metadata" class="secondary">Fill in from metadata</button>
            <p class="hint">Fills the SSO URL, Single Logout URL, IdP entity ID and certificates for you to review; nothing is saved until you press Save.</p>
            </details>
            </fieldset>

            <fieldset><legend>Sign-in policy</legend>
            <label class="check"><input type="checkbox" name="force_saml" id="force_saml"{{#forceSAML}} checked{{/forceSAML}}>\
            <span>Force SAML sign-in <span class="hint">— everyone must sign in through the IdP, except the account owner, who \
            can always use a password.</span></span></label>
            <label class="check"><input type="checkbox" name="require_encryption" id="require_encryption"\
            {{#requireEncryption}} checked{{/requireEncryption}}><span>Require encrypted assertions <span class="hint">\
            — turn the IdP's assertion encryption on first (it encrypts to the certificate in our metadata)</span></span></label>
            <label class="check"><input type="checkbox" name="sign_requests" id="sign_requests"\
            {{#signRequests}} checked{{/signRequests}}><span>Sign AuthnRequests <span class="hint">— with the active \
            key; IdPs such as Keycloak and ADFS can require it</span></span></label>
            <label for="request_binding">Send AuthnRequests by</label>
            <select id="request_binding" name="request_binding">\
            <option value="redirect"{{#bindingRedirect}} selected{{/bindingRedirect}}>HTTP-Redirect</option>\
            <option value="post"{{#bindingPost}} selected{{/bindingPost}}>HTTP-POST (for IdPs that offer only it)</option>\
            </select>
            <label for="slo_url">IdP Single Logout URL <span class="hint">— signing out then ends the IdP session too; \
            empty: sign out of this application only</span></label>
            <input type="url" id="slo_url" name="slo_url" value="{{sloURL}}"\
            {{#errors.slo_url}} class="invalid" aria-invalid="true"{{/errors.slo_url}}>
            {{#sloResponseURL}}<p class="hint">LogoutResponses go to {{sloResponseURL}} (from the IdP's metadata).</p>{{/sloResponseURL}}
            {{#errors.slo_url}}<p class="field-error">{{errors.slo_url}}</p>{{/errors.slo_url}}
            <label for="app_logout_cookies">Application cookies to clear on sign-out <span class="hint">— the \
            application's own session cookie names, comma-separated</span></label>
            <input type="text" id="app_logout_cookies" name="app_logout_cookies" value="{{appLogoutCookies}}"\
            {{#errors.app_logout_cookies}} class="invalid" aria-invalid="true"{{/errors.app_logout_cookies}}>
            {{#errors.app_logout_cookies}}<p class="field-error">{{errors.app_logout_cookies}}</p>{{/errors.app_logout_cookies}}
            </fieldset>

            <fieldset><legend>Who may sign in, as what</legend>
            <p class="hint">Optional; they apply to sign-ins through the IdP. The account owner's role never changes.</p>
            <label for="email_domains">Email domains <span class="hint">— only identities in these domains may sign \
            in, such as acme.test; comma-separated; empty: any</span></label>
            <input type="text" id="email_domains" name="email_domains" value="{{emailDomains}}"\
            {{#errors.email_domains}} class="invalid" aria-invalid="true"{{/errors.email_domains}}>
            {{#errors.email_domains}}<p class="field-error">{{errors.email_domains}}</p>{{/errors.email_domains}}
            <label for="group_attribute">Group attribute <span class="hint">— the attribute your IdP lists groups in; \
            empty: the first present of groups, memberOf, isMemberOf and Entra ID's, ADFS's and eduPerson's group \
            attributes</span></label>
            <input type="text" id="group_attribute" name="group_attribute" value="{{groupAttribute}}"\
            {{#errors.group_attribute}} class="invalid" aria-invalid="true"{{/errors.group_attribute}}>
            {{#errors.group_attribute}}<p class="field-error">{{errors.group_attribute}}</p>{{/errors.group_attribute}}
            <label for="required_groups">Required groups <span class="hint">— a user must be in one of them; one per \
            line; empty: any</span></label>
            <textarea id="required_groups" name="required_groups" rows="3"\
            {{#errors.required_groups}} class="invalid" aria-invalid="true"{{/errors.required_groups}}>\
            {{requiredGroups}}</textarea>
            {{#errors.required_groups}}<p class="field-error">{{errors.required_groups}}</p>{{/errors.required_groups}}
            <label for="admin_groups">Admin groups <span class="hint">— members become admins at each sign-in, everyone \
            else a user; one per line; empty: roles stay as set</span></label>
            <textarea id="admin_groups" name="admin_groups" rows="3"\
            {{#errors.admin_groups}} class="invalid" aria-invalid="true"{{/errors.admin_groups}}>\
            {{adminGroups}}</textarea>
            {{#errors.admin_groups}}<p class="field-error">{{errors.admin_groups}}</p>{{/errors.admin_groups}}
            </fieldset>

            <fieldset><legend>Session</legend>
            <details><summary>Advanced</summary>
            <label class="check"><input type="checkbox" name="allow_idp_initiated"{{#allowIdPInitiated}} checked{{/allowIdPInitiated}}>\
            <span>Allow IdP-initiated sign-in <span class="hint">(from the IdP's app tile)</span></span></label>
            <label class="check"><input type="checkbox" name="allow_sha1"{{#allowSHA1}} checked{{/allowSHA1}}>\
            <span>Allow SHA-1 signatures <span class="hint">(weak; only for old IdPs)</span></span></label>
            <label for="clock_skew">Clock skew tolerance (seconds)</label>
            <input type="number" id="clock_skew" name="clock_skew" value="{{clockSkew}}" min="0" max="3600">
            {{#errors.clock_skew}}<p class="field-error">{{errors.clock_skew}}</p>{{/errors.clock_skew}}
            <label for="session_lifetime">Session lifetime (seconds)</label>
            <input type="number" id="session_lifetime" name="session_lifetime" value="{{sessionLifetime}}" min="60">
            {{#errors.session_lifetime}}<p class="field-error">{{errors.session_lifetime}}</p>{{/errors.session_lifetime}}
            </details>
            </fieldset>
            <button type="submit" name="action" value="save">Save</button>
            {{#canTest}}<a class="button secondary" href="{{testURL}}">Test sign-in</a>{{/canTest}}
            </form>

            <fieldset><legend>Recent sign-in attempts</legend>
            {{#hasLog}}<table><thead><tr><th>Time (UTC)</th><th>User</th><th>Result</th><th>Details</th></tr></thead><tbody>
            {{#log}}<tr><td>{{time}}</td><td>{{email}}{{#claimed}}<div class="hint">claimed, not verified</div>{{/claimed}}</td><td class="{{resultClass}}">{{outcome}}</td><td>{{reason}}\
            {{#check}}<div class="hint">{{check}}{{#expected}}: expected {{expected}}{{/expected}}{{#actual}}, got {{actual}}{{/actual}}</div>{{/check}}\
            {{#hint}}<div class="hint"><strong>Hint:</strong> {{hint}}</div>{{/hint}}\
            {{#clock}}<div class="hint">{{clock}}</div>{{/clock}}<div class="hint">Reference {{reference}}</div></td></tr>{{/log}}
            </tbody></table>{{/hasLog}}
            {{^hasLog}}<p class="hint">No sign-in attempts yet.</p>{{/hasLog}}
            </fieldset>
            <script>\(script)</script>
            """ + PageTemplates.layoutEnd
}
