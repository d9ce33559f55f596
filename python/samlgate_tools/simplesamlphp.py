"""A throw-away SimpleSAMLphp IdP (Debian's package, PHP + xmlseclibs) for the end-to-end tests.

Everything SimpleSAMLphp reads or writes lives in one folder: its configuration directory (named by
SIMPLESAMLPHP_CONFIG_DIR, which `SimpleSAML\\Utils\\Config::getConfigDir` honours), metadata, an IdP key
pair made with openssl, PHP sessions, temporary files and the log. Debian's /etc/simplesamlphp is never
read or changed, and no system service is started.

It is served by PHP's built-in web server (`php -S`) from a document root holding a `simplesaml` link to
/usr/share/simplesamlphp/www, the layout its install guide gives for /simplesaml/. The built-in server
resolves PATH_INFO (`module.php/core/loginuserpass.php`) by itself, needs no pool or server
configuration, starts in milliseconds, and uses php-cli, whose opcache is off: metadata files rewritten
between test cases are read afresh on the next request. One process serving one request at a time is
enough for a test IdP, which never calls itself.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from samlgate_tools import harness

INSTALL = Path("/usr/share/simplesamlphp")
"""Where Debian's simplesamlphp package installs the code (its config/ is a link to /etc/simplesamlphp)."""

EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"

# PHP 8.2 reports deprecations in SimpleSAMLphp 1.19's code; printed into a page they would come before
# its headers. They go to the log instead.
PHP_FLAGS = ["-d", "display_errors=0", "-d", "log_errors=1", "-d", "error_reporting=E_ALL & ~E_DEPRECATED"]

# Reads SP metadata XML with SimpleSAMLphp's own parser (what its admin "metadata converter" does), merges
# the JSON options over each entity found and prints the saml20-sp-remote entries as JSON.
CONVERT_SP = r"""<?php
require '/usr/share/simplesamlphp/lib/_autoload.php';
$entities = \SimpleSAML\Metadata\SAMLParser::parseDescriptorsString(file_get_contents($argv[1]));
$options = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
$metadata = [];
foreach ($entities as $entityId => $entity) {
    $metadata[$entityId] = array_merge($entity->getMetadata20SP(), $options);
}
echo json_encode($metadata, JSON_THROW_ON_ERROR | JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
"""

# SimpleSAMLphp's last two steps for a Response, with a session key of another block cipher: the Response's
# first saml:Assertion (read from standard input, already signed) becomes an EncryptedAssertion, as
# SAML2\EncryptedAssertion::setAssertion makes it (a fresh session key wrapped with RSA-OAEP-MGF1P for the
# SP's certificate; that method always picks AES-128-CBC), then the Response is signed again after its
# Issuer with the IdP's key, as SAML2\Message::toSignedXML does. Arguments: block cipher URI, SP
# certificate, IdP key, IdP certificate.
ENCRYPT_ASSERTION = r"""<?php
require '/usr/share/simplesamlphp/lib/_autoload.php';
use RobRichards\XMLSecLibs\XMLSecEnc;
use RobRichards\XMLSecLibs\XMLSecurityDSig;
use RobRichards\XMLSecLibs\XMLSecurityKey;
[, $algorithm, $spCertificate, $idpKey, $idpCertificate] = $argv;
$document = new DOMDocument();
$document->loadXML(stream_get_contents(STDIN));
$response = $document->documentElement;
foreach (iterator_to_array($response->childNodes) as $child) {
    if ($child->namespaceURI === XMLSecurityDSig::XMLDSIGNS && $child->localName === 'Signature') {
        $response->removeChild($child);
    }
}
$assertion = $document->getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')->item(0);
// In a document of its own, as SAML2\Assertion::toXML gives it, so the plaintext declares its namespaces.
$standalone = new DOMDocument();
$standalone->appendChild($standalone->importNode($assertion, true));
$recipient = new XMLSecurityKey(XMLSecurityKey::RSA_OAEP_MGF1P, ['type' => 'public']);
$recipient->loadKey(file_get_contents($spCertificate), false, true);
$sessionKey = new XMLSecurityKey($algorithm);
$sessionKey->generateSessionKey();
$enc = new XMLSecEnc();
$enc->setNode($standalone->documentElement);
$enc->type = XMLSecEnc::Element;
$enc->encryptKey($recipient, $sessionKey);
$wrapper = $document->createElementNS('urn:oasis:names:tc:SAML:2.0:assertion', 'saml:EncryptedAssertion');
$wrapper->appendChild($document->importNode($enc->encryptNode($sessionKey, false), true));
$assertion->parentNode->replaceChild($wrapper, $assertion);
$signer = new XMLSecurityKey(XMLSecurityKey::RSA_SHA256, ['type' => 'private']);
$signer->loadKey(file_get_contents($idpKey));
$issuer = $document->getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')->item(0);
\SAML2\Utils::insertSignature($signer, [file_get_contents($idpCertificate)], $response, $issuer->nextSibling);
echo $document->saveXML($response);
"""


def missing() -> str | None:
    """Why SimpleSAMLphp cannot run here (None when it can): the package or php-cli's DOM is absent."""
    if not (INSTALL / "www" / "_include.php").is_file():
        return f"SimpleSAMLphp is not installed ({INSTALL}; Debian package simplesamlphp)"
    if shutil.which("php") is None:
        return "php-cli is not installed (Debian package php-cli)"
    probe = subprocess.run(["php", "-r", "exit(class_exists('DOMDocument') && function_exists('mb_strlen') ? 0 : 1);"],
                           capture_output=True)
    if probe.returncode != 0:
        return "php lacks DOM or mbstring (Debian packages php-xml, php-mbstring)"
    return None


def write_php(path: Path, variable: str, value) -> None:
    """Writes the configuration file `path` defining `$variable` as `value` (JSON-like: dicts, lists,
    strings, numbers, booleans): the value goes to a JSON file beside it, which the PHP file decodes, so
    nothing is ever quoted by hand. JSON object keys that are decimal numbers become PHP integer keys."""
    data = path.with_suffix(".json")
    data.write_text(json.dumps(value, indent=2))
    path.write_text(f"<?php\n${variable} = json_decode(file_get_contents({json.dumps(str(data))}), true, 512, "
                    "JSON_THROW_ON_ERROR);\n")


@dataclass(frozen=True)
class User:
    """An `exampleauth:UserPass` account: the password and the attributes SimpleSAMLphp releases."""

    email: str
    password: str
    given_name: str
    family_name: str


class SimpleSAMLphpIdP:
    """One SimpleSAMLphp installation's configuration in `folder`, served on 127.0.0.1:`port`.

    The hosted IdP signs assertions and responses with RSA-SHA256, authenticates `users` with
    exampleauth:UserPass and sends an emailAddress NameID from `mail`. Attributes leave with their
    OID names (urn:oid:…, NameFormat uri), as SimpleSAMLphp's `name2oid` map names them. It requires
    signed AuthnRequests (`validate.authnrequest` for HTTP-POST, `redirect.validate` for HTTP-Redirect,
    advertised as WantAuthnRequestsSigned) and signs its logout messages (`sign.logout`); what it encrypts
    and whether it requires signed logout messages are set per SP by `add_sp`.
    """

    def __init__(self, folder: Path, port: int, users: list[User]):
        self.folder = folder
        self.port = port
        self.users = users
        self.base_url = f"http://127.0.0.1:{port}/simplesaml/"
        self.config_dir = folder / "config"
        self.metadata_dir = folder / "metadata"
        self.cert_dir = folder / "cert"
        self.log_dir = folder / "log"
        self.idp_key = self.cert_dir / "idp.key"
        self.idp_cert = self.cert_dir / "idp.crt"
        for path in [self.config_dir, self.metadata_dir, self.cert_dir, self.log_dir, folder / "sessions",
                     folder / "tmp", folder / "data", folder / "www"]:
            path.mkdir(parents=True, exist_ok=True)
        (folder / "www" / "simplesaml").symlink_to(INSTALL / "www")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                        "-subj", "/CN=SimpleSAMLphp test IdP", "-keyout", str(self.idp_key),
                        "-out", str(self.idp_cert)], check=True, capture_output=True)
        self._write_config()
        self.configure_idp()
        write_php(self.metadata_dir / "saml20-sp-remote.php", "metadata", {})

    @property
    def entity_id(self) -> str:
        return self.base_url + "saml2/idp/metadata.php"

    @property
    def metadata_url(self) -> str:
        return self.entity_id

    def log_tail(self, lines: int = 40) -> str:
        """The end of SimpleSAMLphp's log (its exceptions with their causes), for a failing test's message."""
        log = self.log_dir / "simplesamlphp.log"
        return "\n".join(log.read_text().splitlines()[-lines:]) if log.exists() else f"{log}: no log yet"

    def logout_url(self, return_to: str) -> str:
        """IdP-initiated Single Logout of the browser's SimpleSAMLphp session: initSLO.php logs out every SP
        of the session in turn (HTTP-Redirect or HTTP-POST, as each SP's metadata offers), then sends the
        browser to `return_to`."""
        return self.base_url + "saml2/idp/initSLO.php?" + urllib.parse.urlencode({"RelayState": return_to})

    def idp_initiated_url(self, sp_entity_id: str, relay_state: str | None = None) -> str:
        """The unsolicited sign-in start (an app tile): SSOService.php with `spentityid`."""
        query = {"spentityid": sp_entity_id}
        if relay_state is not None:
            query["RelayState"] = relay_state
        return self.base_url + "saml2/idp/SSOService.php?" + urllib.parse.urlencode(query)

    def _write_config(self) -> None:
        folder = self.folder
        settings = {
            "baseurlpath": self.base_url,
            "certdir": f"{self.cert_dir}/",
            "loggingdir": f"{self.log_dir}/",
            "datadir": f"{folder / 'data'}/",
            "tempdir": str(folder / "tmp"),
            "metadatadir": f"{self.metadata_dir}/",
            "metadata.sources": [{"type": "flatfile"}],
            "secretsalt": os.urandom(16).hex(),
            "auth.adminpassword": os.urandom(16).hex(),  # no admin pages with a known password
            "technicalcontact_name": "samlgate tests",
            "technicalcontact_email": "tests@example.com",
            "timezone": "UTC",
            "showerrors": True,
            "errorreporting": False,
            "logging.level": 7,  # SimpleSAML\Logger::DEBUG
            "logging.handler": "file",
            "logging.logfile": "simplesamlphp.log",
            "enable.saml20-idp": True,
            "enable.shib13-idp": False,
            # exampleauth ships with a default-disable file: this turns it on for this installation only.
            "module.enable": {"exampleauth": True, "core": True, "saml": True},
            "store.type": "phpsession",
            "session.phpsession.cookiename": "SimpleSAML",
            "session.phpsession.savepath": str(folder / "sessions"),
            "session.cookie.path": "/simplesaml/",
            "language.default": "en",
        }
        write_php(self.config_dir / "config.php", "config", settings)
        # A source's entry 0 is its class; exampleauth:UserPass takes its users as the other entries.
        users = {f"{user.email}:{user.password}": {"mail": [user.email], "givenName": [user.given_name],
                                                   "sn": [user.family_name]} for user in self.users}
        write_php(self.config_dir / "authsources.php", "config",
                  {"example-userpass": {"0": "exampleauth:UserPass", **users}})

    def configure_idp(self, **overrides) -> None:
        """(Re)writes the hosted IdP's metadata: the defaults described on the class, with `overrides`
        (saml20-idp-hosted names, e.g. `SingleSignOnServiceBinding`) over them. Read on the next request."""
        hosted = {
            "host": "__DEFAULT__",
            "privatekey": "idp.key",
            "certificate": "idp.crt",
            "auth": "example-userpass",
            "signature.algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "saml20.sign.assertion": True,
            "saml20.sign.response": True,
            "validate.authnrequest": True,
            "redirect.validate": True,
            # Its LogoutRequests and LogoutResponses are signed (HTTP-Redirect: over the query), and those
            # from an SP must be (the SP entry's redirect.validate covers logout messages too).
            "sign.logout": True,
            "NameIDFormat": EMAIL_FORMAT,
            "attributes.NameFormat": URI_FORMAT,
            "authproc": {
                10: {"class": "saml:AttributeNameID", "attribute": "mail", "Format": EMAIL_FORMAT},
                # The entries of SimpleSAMLphp's name2oid map for the three attributes released.
                90: {"class": "core:AttributeMap", "mail": "urn:oid:0.9.2342.19200300.100.1.3",
                     "givenName": "urn:oid:2.5.4.42", "sn": "urn:oid:2.5.4.4"},
            },
            **overrides,
        }
        write_php(self.metadata_dir / "saml20-idp-hosted.php", "metadata", {"__DYNAMIC:1__": hosted})

    def add_sp(self, metadata_xml: str, **options) -> Path:
        """Trusts the SP described by `metadata_xml` (its entity ID, ACS and signing/encryption
        certificates, parsed by SimpleSAMLphp itself), with `options` (SimpleSAMLphp's saml20-sp-remote
        names, e.g. `{"assertion.encryption": True}`) over the parsed values. Replaces any earlier SP.
        Returns the written metadata file."""
        xml = self.folder / "sp-metadata.xml"
        xml.write_text(metadata_xml)
        script = self.folder / "convert-sp.php"
        script.write_text(CONVERT_SP)
        options_file = self.folder / "sp-options.json"
        options_file.write_text(json.dumps(options))
        out = subprocess.run(["php", *PHP_FLAGS, str(script), str(xml), str(options_file)], capture_output=True,
                             text=True, check=True)
        entries = json.loads(out.stdout)
        if not entries:
            raise RuntimeError(f"SimpleSAMLphp found no entity in the SP metadata: {out.stderr}")
        target = self.metadata_dir / "saml20-sp-remote.php"
        write_php(target, "metadata", entries)
        return target

    def start(self, processes: harness.Processes) -> None:
        """Starts PHP's built-in server on 127.0.0.1:`port`, once it accepts connections."""
        processes.start("simplesamlphp", ["php", *PHP_FLAGS, "-d", f"error_log={self.log_dir / 'php-errors.log'}",
                                          "-S", f"127.0.0.1:{self.port}", "-t", str(self.folder / "www")],
                        self.folder / "php-server.log", cwd=self.folder,
                        env={**os.environ, "SIMPLESAMLPHP_CONFIG_DIR": str(self.config_dir)})
        harness.wait_for_port(self.port)

    def encrypt_assertion(self, response_xml: bytes, algorithm: str, sp_certificate: Path) -> bytes:
        """`response_xml` (a Response this IdP sent with a plaintext, signed Assertion) with the Assertion
        encrypted under `algorithm` (an xmlenc block cipher URI) for `sp_certificate` and the Response signed
        again, by xmlseclibs and SimpleSAMLphp's SAML2 library (see ENCRYPT_ASSERTION)."""
        script = self.folder / "encrypt-assertion.php"
        script.write_text(ENCRYPT_ASSERTION)
        out = subprocess.run(["php", *PHP_FLAGS, str(script), algorithm, str(sp_certificate), str(self.idp_key),
                              str(self.idp_cert)], input=response_xml, capture_output=True, check=True)
        return out.stdout
