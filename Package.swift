// swift-tools-version: 6.1
// samlgate: SAML 2.0 single sign-on for apps behind nginx or Apache, as a FastCGI responder plus an admin CLI.

import PackageDescription

/// Upcoming features every Swift target opts into (see CONTRIBUTING.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Layering at a glance: a target uses only targets listed on lines below its own (docs/architecture.md).
//
//   samlgate-fcgi  samlgate  samlgate-bench  samlgate-fuzz   executables, thin
//   TestSupport                                              signed test Responses, the gateway fixture
//                                                            (tests, the benchmark and the fuzzer only)
//   Endpoints                                                the application: routes, handlers, pages
//   Admin                                                    settings rules shared by the CLI and the page
//   FastCGI                                                  the transport: HTTP and libfcgi, no application
//   Store   SAML   Fetch                                     storage; the protocol; https documents
//   PostgresClient                                           libpq, wrapped once: connections, statements
//   XMLSecurity                                              libxml2 and xmlsec, wrapped once
//   Credentials                                              OpenSSL: certificates, digests, passwords
//   HTTP                                                     request, response, handler, cookies, header values
//   Basics                                                   UTC time, white space rules
//   CXML2  CXMLSec  CFCGI  COpenSSL  CZlib  CCurl  CPostgres C libraries, one system module each
let package = Package(
    name: "samlgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "samlgate", targets: ["samlgate"]),
        .executable(name: "samlgate-fcgi", targets: ["samlgate-fcgi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: C libraries, one system module each (defines SwiftPM drops live in each shim.h).
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev", "libxmlsec1-openssl"])]),
        .systemLibrary(name: "CFCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // MARK: Core: no knowledge of SAML, storage or the transport.
        // Basics: the UTC timestamp and the white space rules every layer shares; depends on nothing, so the
        // transport and the HTTP core can use it too.
        .target(name: "Basics", swiftSettings: strictSettings),
        // HTTP: request, response, handler, cookies, header values: what a transport and the handlers share.
        .target(name: "HTTP", dependencies: ["Basics"], swiftSettings: strictSettings),

        // MARK: Security and protocol.
        .target(name: "Credentials", dependencies: ["Basics", "COpenSSL"], swiftSettings: strictSettings),
        .target(
            name: "XMLSecurity", dependencies: ["Basics", "CXMLSec", "CXML2", "Credentials"],
            swiftSettings: strictSettings),
        .target(
            name: "SAML", dependencies: ["Basics", "XMLSecurity", "Credentials", "CZlib"], swiftSettings: strictSettings
        ),

        // Fetch: one https document (IdP metadata) through libcurl, under the fetch rule and limits.
        .target(name: "Fetch", dependencies: ["Basics", "CCurl"], swiftSettings: strictSettings),

        // MARK: Storage and the application.
        // PostgresClient: one synchronous libpq session, prepared statements, errors by SQLSTATE; no Store logic.
        .target(name: "PostgresClient", dependencies: ["Basics", "CPostgres"], swiftSettings: strictSettings),
        .target(
            name: "Store",
            dependencies: ["Basics", "Credentials", "PostgresClient", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .target(
            name: "Admin", dependencies: ["Basics", "Store", "SAML", "Credentials", "Fetch", "XMLSecurity"],
            swiftSettings: strictSettings),
        .target(
            name: "Endpoints",
            dependencies: [
                "Basics", "HTTP", "Admin", "SAML", "Store", "Credentials",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: strictSettings),

        // MARK: The transport: it serves any HTTPHandler and imports no application module.
        .target(
            name: "FastCGI",
            dependencies: ["CFCGI", "Basics", "HTTP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),

        // MARK: Executables, kept thin.
        .executableTarget(
            name: "samlgate",
            dependencies: [
                "Admin", "Basics", "Store", "SAML", "Credentials",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "samlgate-fcgi",
            dependencies: [
                "FastCGI", "HTTP", "Endpoints", "Admin", "Store", "SAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),

        .executableTarget(
            name: "samlgate-bench",
            dependencies: [
                "SAML", "Credentials", "XMLSecurity", "HTTP", "Endpoints", "Store", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings),

        // libFuzzer targets; built only by fuzz/run.sh (with -sanitize=fuzzer,address -parse-as-library).
        .executableTarget(
            name: "samlgate-fuzz",
            dependencies: [
                "Admin", "SAML", "Credentials", "Store", "HTTP", "Endpoints", "FastCGI", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),

        // MARK: Tests mirror the sources; shared fixtures live in Tests/Fixtures (found via #filePath).
        .testTarget(name: "CredentialsTests", dependencies: ["Basics", "Credentials"], swiftSettings: strictSettings),
        .target(
            name: "TestSupport",
            dependencies: ["SAML", "Credentials", "XMLSecurity", "Store", "Endpoints", "PostgresClient"],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings),
        .testTarget(
            name: "EndpointsTests",
            dependencies: [
                "HTTP", "Endpoints", "Store", "SAML", "Credentials", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "SAMLTests", dependencies: ["SAML", "Credentials", "XMLSecurity", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "FastCGITests",
            dependencies: ["FastCGI", "HTTP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"], swiftSettings: strictSettings),
        .testTarget(name: "FetchTests", dependencies: ["Fetch"], swiftSettings: strictSettings),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient"], swiftSettings: strictSettings),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"], swiftSettings: strictSettings),
        .testTarget(
            name: "XMLSecurityTests", dependencies: ["XMLSecurity", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "Credentials", "TestSupport", "PostgresClient", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "AdminTests",
            dependencies: ["Admin", "Store", "Credentials", "SAML", "Fetch", "XMLSecurity", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "CLITests", dependencies: ["samlgate", "samlgate-fcgi", "TestSupport"],
            swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
