import Testing

@testable import SAML

/// `cacheDuration` as seconds: the refresh interval is shortened by it, so a misread duration would
/// fetch too rarely (a longer one) or hammer the IdP (zero where a duration was meant).
struct XMLDurationTests {
    @Test(arguments: [
        ("PT1H", 3600), ("P1D", 86_400), ("P1DT2H30M", 95_400), ("PT0.5S", 0), ("P1Y", 365 * 86_400),
        ("P1M", 30 * 86_400), ("PT90S", 90), ("PT1M30S", 90), ("P0D", 0),
    ])
    func readsWholeSeconds(text: String, seconds: Int) {
        #expect(XMLDuration.seconds(text) == seconds)
    }

    /// A duration that is not one must refuse the whole document rather than become a default.
    @Test(arguments: [
        "", "P", "PT", "1H", "-P1D", "P1H", "PT1D", "P1DT", "P1DT2", "P 1D", "PTH", "P1D2", "P1.5D", "PT1.H", "PT1H1H",
        "PT1M1H", "P1D1Y", "PT.5S",
    ])
    func refusesWhatIsNotANonNegativeDuration(text: String) {
        #expect(XMLDuration.seconds(text) == nil)
    }
}
