import Foundation

// fuzz/run.sh builds with -sanitize=fuzzer,address -DSAMLGATE_FUZZ: libFuzzer's runtime is linked in
// and its driver takes over. An ordinary `swift build` still links this product; it only explains.
#if SAMLGATE_FUZZ
    typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: FuzzCallback
    ) -> CInt

    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOne(data, size) })
#else
    FileHandle.standardError.write(Data("samlgate-fuzz: not built with libFuzzer; run fuzz/run.sh\n".utf8))
    exit(2)
#endif
