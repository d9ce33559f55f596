"""Writes seed inputs for the `fastcgi` fuzz target, one per samlgate endpoint: `NAME=VALUE` parameter
lines as nginx passes them, an empty line, then the body (a first line `AUTHORIZER` selects that role;
the target encodes the FastCGI records itself).

    python3 fuzz/fastcgi_seeds.py OUT_DIR [SAML_RESPONSE_XML]
"""
import base64
import sys
import urllib.parse
from pathlib import Path


def request(method: str, uri: str, body: bytes = b"", headers: dict[str, str] | None = None,
            authorizer: bool = False) -> bytes:
    path, _, query = uri.partition("?")
    params = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "DOCUMENT_URI": path, "QUERY_STRING": query,
              "SCRIPT_NAME": path, "SERVER_NAME": "help.example.com", "SERVER_PORT": "443", "HTTPS": "on",
              "REMOTE_ADDR": "192.0.2.7", "HTTP_HOST": "help.example.com"}
    if body or method == "POST":
        params["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        params["CONTENT_TYPE" if name.lower() == "content-type" else "HTTP_" + name.upper().replace("-", "_")] = value
    head = "".join(f"{name}={value}\n" for name, value in params.items())
    return (b"AUTHORIZER\n" if authorizer else b"") + head.encode() + b"\n" + body


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    xml = Path(sys.argv[2]).read_bytes() if len(sys.argv) > 2 else b"<samlp:Response/>"
    form = "application/x-www-form-urlencoded"
    cookie = {"Cookie": "samlgate_acme=Wd9Xth8A7_8rllAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
    acs_body = urllib.parse.urlencode({"SAMLResponse": base64.b64encode(xml).decode(), "RelayState": "/tickets"})
    boundary = "----samlgate7MA4YWxkTrZu0gW"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"sso_url\"\r\n\r\nhttps://idp/sso\r\n"
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"certificate\"; filename=\"idp.pem\"\r\n"
                 f"Content-Type: application/x-pem-file\r\n\r\n-----BEGIN CERTIFICATE-----\r\nMIIB\r\n"
                 f"-----END CERTIFICATE-----\r\n--{boundary}--\r\n").encode()
    seeds = {
        "metadata": request("GET", "/sso/acme/metadata"),
        "login": request("GET", "/sso/acme/login?return_to=%2Ftickets%3Fa%3D1"),
        "acs": request("POST", "/sso/acme/acs", acs_body.encode(), headers={"content-type": form}),
        "auth": request("GET", "/sso/acme/auth", headers=cookie),
        "authorizer": request("GET", "/app/tickets", headers=cookie, authorizer=True),
        "password": request("POST", "/sso/acme/login", b"email=owner%40example.com&password=x&csrf=y",
                            headers={"content-type": form, "Cookie": "samlgate_csrf=y"}),
        "settings": request("POST", "/sso/acme/settings", multipart,
                            headers={"content-type": f"multipart/form-data; boundary={boundary}", **cookie}),
        "logout": request("POST", "/sso/acme/logout", b"", headers=cookie),
    }
    for name, data in seeds.items():
        (out / f"fcgi-{name}").write_bytes(data)


if __name__ == "__main__":
    main()
