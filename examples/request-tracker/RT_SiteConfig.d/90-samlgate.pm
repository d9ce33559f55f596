# Request Tracker behind samlgate: RT signs in whoever nginx names in REMOTE_USER, the samlgate user's email
# (nginx-rt.conf), and creates the RT user on their first visit. Goes in /etc/request-tracker5/RT_SiteConfig.d/,
# after Debian's 50-debconf.pm and 51-dbconfig-common.pm (the instance's name and its database).

# The public address: every link, redirect and mail RT writes starts with it, and RT's CSRF check compares
# the browser's Referer with it. Change these two values.
my $domain = 'rt.example.com';
my $port   = 443;
Set($WebDomain, $domain);
Set($WebPort, $port);
Set($WebPath, '');
Set($WebBaseURL, "https://$domain" . ($port == 443 ? '' : ":$port"));
# Redirects go to $WebBaseURL, never to the Host header a client sent.
Set($CanonicalizeRedirectURLs, 1);
# RT's session cookie only over https (as samlgate's is, for an https base URL).
Set($WebSecureCookies, 1);

# The web server authenticates: RT never shows its own login form, and with $WebRemoteUserContinuous it
# reads REMOTE_USER on every request, so the RT session follows the samlgate one (another samlgate user in
# the same browser is that user in RT from their first request on).
Set($WebRemoteUserAuth, 1);
Set($WebRemoteUserContinuous, 1);
Set($WebFallbackToRTLogin, 0);

# samlgate decides who may sign in (users exist in samlgate before they can use SSO); RT creates its own
# record of a samlgate user on their first visit: Name and EmailAddress the email, RealName from the IdP's
# given and family names (RT/Interface/Web_Local.pm). Privileged: staff, who work on tickets in RT's full
# interface; the queues' rights decide what they may see and do (initialdata.pl grants some).
Set($WebRemoteUserAutocreate, 1);
Set($UserAutocreateDefaultsOnLogin, { Privileged => 1 });

# RT's "Logout" menu entry (html/Callbacks/Samlgate/Elements/Tabs/Privileged puts it back, since RT hides it
# under $WebRemoteUserAuth): samlgate's sign-out page, which ends the samlgate session (and the IdP's, with
# Single Logout) and expires RT's session cookie (`samlgate saml set --app-logout-cookie`).
Set($LogoutURL, '/sso/acme/logout');

1;
