extension Certificate {
    /// The certificate as one PEM block, for admins who hand a file to their IdP.
    public var pem: String { PEMDocument.encode(der, label: "CERTIFICATE") }
}
