"""The admin's journey in a real browser (Debian's chromium + chromium-driver, driven by Selenium):
password sign-in as the owner, the settings page, a refused upload, certificates, Enable + Force SAML,
sign-out, a non-owner refused a password, and an SSO sign-in through the IdP."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from samlgate_tools import harness

ARTIFACTS = harness.REPO / ".ci" / "artifacts"


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.fail("chromium and chromium-driver are required (scripts/install-deps.sh installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,2200",
                     "--disable-gpu", "--no-first-run", "--password-store=basic"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait(driver, condition, timeout: float = 15):
    return WebDriverWait(driver, timeout).until(condition)


def sign_in_with_password(driver, base: str, email: str, password: str, path: str = "/sso/acme/login?password=1"):
    driver.get(base + path)
    wait(driver, expected_conditions.presence_of_element_located((By.ID, "email")))
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def settings_json(site) -> dict:
    return site["cli"].json("saml", "show", "--account", "acme")


def test_admin_journey(browser, browser_site, tmp_path):
    base = browser_site["base_url"]
    driver = browser

    # The owner opens the settings page, is sent to sign in (SAML is off: password page), and comes back.
    driver.get(f"{base}/sso/acme/settings")
    wait(driver, expected_conditions.presence_of_element_located((By.ID, "password")))
    driver.find_element(By.ID, "email").send_keys("owner@example.com")
    driver.find_element(By.ID, "password").send_keys("owner passphrase")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, expected_conditions.presence_of_element_located((By.ID, "postback-url")))
    assert driver.current_url.startswith(f"{base}/sso/acme/settings")

    # The two values the admin copies into the IdP.
    assert driver.find_element(By.ID, "postback-url").text == f"{base}/sso/acme/acs"
    assert driver.find_element(By.ID, "audience-uri").text == f"{base}/sso/acme/metadata"

    # A wrong file: the error is shown next to the field, the entered SSO URL is kept, nothing is saved.
    before = settings_json(browser_site)
    sso = driver.find_element(By.ID, "sso_url")
    sso.clear()
    sso.send_keys(f"{browser_site['idp']}/sso")
    driver.find_element(By.ID, "certificate").send_keys(str(harness.FIXTURES / "private-key.pem"))
    driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    error = wait(driver, expected_conditions.presence_of_element_located((By.ID, "certificate-error")))
    assert "The certificate must be in PEM or CER format" in error.text
    assert driver.find_element(By.ID, "sso_url").get_attribute("value") == f"{browser_site['idp']}/sso"
    assert settings_json(browser_site) == before

    # A PEM (the IdP's) and a DER certificate (a rollover one), Enable and Force SAML, Save.
    der = tmp_path / "rollover.cer"
    subprocess.run(["openssl", "x509", "-in", str(harness.FIXTURES / "attacker-cert.pem"), "-outform", "DER",
                    "-out", str(der)], check=True)
    driver.find_element(By.ID, "certificate").send_keys(f"{harness.IDP_CERT}\n{der}")
    if not driver.find_element(By.ID, "enabled").is_selected():
        driver.find_element(By.ID, "enabled").click()
    if not driver.find_element(By.ID, "force_saml").is_selected():
        driver.find_element(By.ID, "force_saml").click()
    driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(driver, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".success"), "Settings saved."))

    # A misconfigured IdP (wrong audience): the failed attempt will show on the page with its reason.
    wrong = subprocess.run(
        [os.environ.get("SAMLGATE_IDP_PYTHON", str(harness.REPO / ".venv" / "bin" / "python")),
         str(harness.REPO / "Tests" / "IdP" / "samlidp.py"), "response", "--acs", f"{base}/sso/acme/acs",
         "--audience", "urn:wrong-audience", "--email", "alice@example.com", "--key", str(harness.IDP_KEY),
         "--cert", str(harness.IDP_CERT)], capture_output=True, text=True, check=True).stdout.strip()
    import requests
    assert requests.post(f"{base}/sso/acme/acs", data={"SAMLResponse": wrong}, allow_redirects=False,
                         timeout=10).status_code == 403

    # Reload: the page shows what was saved, the failed attempt, and the store agrees.
    driver.refresh()
    wait(driver, expected_conditions.presence_of_element_located((By.ID, "enabled")))
    assert driver.find_element(By.ID, "enabled").is_selected()
    assert driver.find_element(By.ID, "force_saml").is_selected()
    page = driver.page_source
    saved = settings_json(browser_site)
    assert saved["enabled"] and saved["force_saml"] and len(saved["certificates"]) == 2
    for certificate in saved["certificates"]:
        assert certificate["sha256"] in page
    assert "expected " + f"{base}/sso/acme/metadata" in page and "got urn:wrong-audience" in page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "settings.png"))
    if os.environ.get("SAMLGATE_UPDATE_DOCS_SCREENSHOT"):
        driver.save_screenshot(str(harness.REPO / "docs" / "settings.png"))

    # Sign out.
    driver.find_element(By.CSS_SELECTOR, ".topbar form button").click()
    wait(driver, lambda d: "/sso/acme/settings" not in d.current_url)

    # A non-owner can no longer sign in with a password.
    sign_in_with_password(driver, base, "carol@example.com", "carol passphrase")
    refused = wait(driver, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error")))
    assert "requires single sign-on" in refused.text
    assert driver.find_element(By.LINK_TEXT, "Sign in with SSO")

    # SSO works: the protected app sends Alice to the IdP and back, signed in.
    driver.delete_all_cookies()
    driver.get(f"{base}/app/welcome")
    wait(driver, expected_conditions.presence_of_element_located((By.NAME, "email")))
    assert driver.current_url.startswith(browser_site["idp"])
    email = driver.find_element(By.NAME, "email")
    email.clear()
    email.send_keys("alice@example.com")
    email.submit()
    wait(driver, lambda d: d.current_url.startswith(f"{base}/app/welcome") and "alice@example.com" in d.page_source)
    assert "alice@example.com" in driver.page_source

    # Signing out through the application's log-out link ends the samlgate and the IdP session and lands on the
    # signed-out page, which stays put (Force SAML is on: a redirect would sign Alice straight back in).
    browser_site["cli"]("saml", "set", "--account", "acme", "--slo-url", f"{browser_site['idp']}/slo")
    driver.get(f"{base}/sso/acme/logout")
    wait(driver, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "form button[type=submit]")))
    assert "alice@example.com" in driver.page_source
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, lambda d: d.current_url == f"{base}/sso/acme/signed-out")
    assert "You are signed out" in driver.page_source
    import time
    time.sleep(1.5)
    assert driver.current_url == f"{base}/sso/acme/signed-out"
    assert requests.get(f"{browser_site['idp']}/last-logout-request", timeout=10).json()["ended_sessions"] == 1
    driver.get(f"{base}/app/welcome")
    wait(driver, lambda d: d.current_url.startswith(browser_site["idp"]) or "/sso/acme/login" in d.current_url)
    driver.get(f"{base}/sso/acme/signed-out")
    driver.find_element(By.LINK_TEXT, "Sign in again").click()
    # The IdP session is gone: its login form asks again.
    wait(driver, expected_conditions.presence_of_element_located((By.NAME, "email")))
    assert driver.current_url.startswith(browser_site["idp"])
