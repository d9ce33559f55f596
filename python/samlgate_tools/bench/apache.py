"""What both Apache peers (mellon, Shibboleth) share: IdP and SP metadata, the prefork settings and the
start of httpd.conf."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from samlgate_tools.bench.common import IDP_ENTITY_ID
from samlgate_tools.bench.metrics import tree

MODULES = "/usr/lib/apache2/modules"


def der_base64(cert: Path) -> str:
    text = cert.read_text()
    return "".join(text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0].split())


MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
BINDINGS = "urn:oasis:names:tc:SAML:2.0:bindings"


def signing_key(cert: Path) -> str:
    """A KeyDescriptor for signing with `cert`."""
    return f"""<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{der_base64(cert)}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"""


def idp_metadata(cert: Path) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{IDP_ENTITY_ID}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="{PROTOCOL}">
    {signing_key(cert)}
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="{BINDINGS}:HTTP-Redirect" Location="http://127.0.0.1:9/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def sp_metadata(entity_id: str, base: str, cert: Path) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{entity_id}">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="{PROTOCOL}">
    {signing_key(cert)}
    <md:SingleLogoutService Binding="{BINDINGS}:HTTP-Redirect" Location="{base}/logout"/>
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:AssertionConsumerService index="0" isDefault="true" Binding="{BINDINGS}:HTTP-POST"
        Location="{base}/postResponse"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"""


# The same for every Apache peer: prefork, enough children for every connection (wrk keeps them
# alive), all started up front.
APACHE_PREFORK = """StartServers 48
MinSpareServers 8
MaxSpareServers 80
ServerLimit 80
MaxRequestWorkers 80
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30"""


def apache_preamble(root: Path, port: int, module: str) -> str:
    """The httpd.conf lines both Apache peers share: the prefork MPM, logs, the core auth modules, the
    peer's own `module` line, and an htdocs folder anyone may read."""
    m = MODULES
    return f"""ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
User www-data
Group www-data
ErrorLog {root}/logs/error.log
LogLevel warn
LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
CustomLog {root}/logs/access.log common
LoadModule mpm_prefork_module {m}/mod_mpm_prefork.so
LoadModule authn_core_module {m}/mod_authn_core.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule authz_user_module {m}/mod_authz_user.so
LoadModule dir_module {m}/mod_dir.so
{module}
{APACHE_PREFORK}
Mutex file:{root} default
DocumentRoot {root}/htdocs
DirectoryIndex index.html
<Directory {root}/htdocs>
    Require all granted
</Directory>
"""



def wait_for_children(apache: subprocess.Popen) -> None:
    """Waits (bounded) for the prefork children (StartServers 48, and the parent: 49) to be up, so a run does
    not measure forking."""
    deadline = time.monotonic() + 15
    while len(tree(apache.pid)) < 49 and time.monotonic() < deadline:
        time.sleep(0.1)


def apache_children(apache: subprocess.Popen) -> list[int]:
    """The running Apache's children (and their descendants)."""
    return [pid for pid in tree(apache.pid) if pid != apache.pid]
