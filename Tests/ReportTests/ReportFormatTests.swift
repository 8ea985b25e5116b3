import Testing
import Report

@Suite("Formatting")
struct ReportFormatTests {
    @Test(
        "durations",
        arguments: [
            (0.0, "< 1 ms"), (0.0004, "< 1 ms"), (0.0005, "1 ms"), (0.004, "4 ms"), (0.0123, "12 ms"),
            (0.9994, "999 ms"), (0.9996, "1.0 s"), (1.0, "1.0 s"), (1.25, "1.3 s"), (1.3, "1.3 s"),
            (9.94, "9.9 s"), (9.96, "10 s"), (42.4, "42 s"), (59.4, "59 s"), (59.6, "1 min"),
            (60, "1 min"), (125, "2 min 5 s"), (3599.4, "59 min 59 s"), (3600, "1 h"), (3725, "1 h 2 min"),
            (-1, "–"), (.nan, "–"), (.infinity, "–"),
        ] as [(Double, String)])
    func duration(_ seconds: Double, _ expected: String) {
        #expect(ReportFormat.duration(seconds: seconds) == expected)
    }

    @Test(
        "numeric-looking cells",
        arguments: ["0", "42", "-3.25", "+1", "−2", "1.5e2", "1E-7", "6.02e+23", ".5", "5.", "1,234", "12,345,678.9",
                    "12%", " 7 ", "NaN", "inf", "-Infinity", "∞"])
    func numeric(_ cell: String) {
        #expect(ReportFormat.looksNumeric(cell))
    }

    @Test(
        "non-numeric cells",
        arguments: ["", " ", "abc", "1.2.3", "e5", "1e", "1e+", "-", ".", "1,23", "12,3456", ",123", "1 2", "0x1F",
                    "3 ms", "yes", "1-2", "%"])
    func nonNumeric(_ cell: String) {
        #expect(!ReportFormat.looksNumeric(cell))
    }
}
