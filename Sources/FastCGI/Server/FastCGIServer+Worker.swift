import HTTP
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FastCGIServer {
    /// One worker thread: accept, serve, finish, until `stop()`.
    ///
    /// An accept error that is not ours (EMFILE, ENFILE, ENOMEM…) is logged and retried with a
    /// back-off up to one second: the process must outlive a burst of file-descriptor exhaustion.
    func workerLoop(index: Int) {
        let logger = configuration.logger
        let request: FCGXRequest
        do {
            request = try FCGXRequest(listener: socket.descriptor)
        } catch {
            logger.error("worker could not start", metadata: ["worker": "\(index)", "error": "\(error)"])
            return
        }
        var backoffMilliseconds = 50
        let lingerless = socket.isUnixDomain
        while !isStopping {
            if let connection = request.keptConnection, !waitForNextRequest(on: connection) { break }
            let rc = request.accept()
            guard rc >= 0 else {
                if isStopping { break }
                logger.warning(
                    "accept failed; retrying",
                    metadata: [
                        "worker": "\(index)", "error": "\(rc > -9000 ? SystemError.message(-rc) : "libfcgi \(rc)")",
                    ])
                usleep(UInt32(backoffMilliseconds * 1000))
                backoffMilliseconds = min(backoffMilliseconds * 2, 1000)
                continue
            }
            backoffMilliseconds = 50
            serve(request)
            if lingerless && request.inputAtEnd { request.closeWithoutLinger() }
            request.finish()
        }
    }

    /// Waits until the kept-alive `connection` has data (or closed) or the server stops; false when stopping.
    ///
    /// Without this a worker idling on nginx's kept connection would sit in `read` through a shutdown.
    private func waitForNextRequest(on connection: Int32) -> Bool {
        var fds = [
            pollfd(fd: connection, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        _ = Syscall.retryingOnEINTR { poll(&fds, 2, -1) }
        return fds[1].revents == 0
    }

    /// The body plan for a request: an Authorizer gets no body at all (FastCGI spec §6.3; mod_fcgid
    /// sends neither CONTENT_LENGTH nor a single STDIN record, so reading would wait for its
    /// 40 s timeout). Nor does a Responder whose handler does not read this path's body
    /// (``HTTPHandler/readsBody(path:)``): nginx's `auth_request` check passes the protected request's
    /// CONTENT_LENGTH with an empty STDIN stream, which would read as a truncated body. A Responder
    /// without a length reads to the end of its STDIN stream.
    static func bodyPlan(_ parameters: [String: String], limit: Int, handler: any HTTPHandler) -> BodyPlan {
        guard parameters["FCGI_ROLE"] != "AUTHORIZER",
            handler.readsBody(path: CGIRequestMapping.requestTarget(parameters).path)
        else { return .empty }
        return BodyPlan(contentLength: parameters["CONTENT_LENGTH"], limit: limit, missingLength: .readToEnd)
    }

    /// Reads one accepted request, runs the handler, writes the response, logs one line.
    private func serve(_ request: FCGXRequest) {
        let start = ContinuousClock.now
        let logger = configuration.logger
        let parameters = request.parameters()
        let plan = Self.bodyPlan(parameters, limit: configuration.maximumBodySize, handler: handler)
        let outcome = BodyReader.read(plan, limit: configuration.maximumBodySize) { request.readInput(into: $0) }

        var extra: [String: String] = [:]
        let httpRequest: HTTPRequest
        let response: HTTPResponse
        do throws(FastCGIError) {
            switch outcome {
            case .complete(let body):
                // A Responder's STDIN stream always ends with an empty record (FastCGI §6.2; nginx
                // and Apache send it even without a body): consuming it lets the connection close
                // without a linger. An Authorizer gets no STDIN (mod_fcgid sends none), so it keeps
                // the linger.
                if parameters["FCGI_ROLE"] != "AUTHORIZER" {
                    _ = BodyReader.drainToEnd { request.readInput(into: $0) }
                }
                httpRequest = try CGIRequestMapping.request(parameters: parameters, body: body)
                response = handler.handle(httpRequest)
            case .tooLarge(let drained):
                if !drained {
                    request.closeConnectionAfterRequest()
                    extra["body"] = "not_drained"
                }
                httpRequest = try CGIRequestMapping.request(parameters: parameters, bodyTooLarge: true)
                response = handler.handle(httpRequest)
            case .truncated(let expected, let received):
                // The web server gave up mid-body; nobody is waiting for a real answer.
                request.closeConnectionAfterRequest()
                extra["body"] = "truncated \(received)/\(expected)"
                httpRequest = try CGIRequestMapping.request(parameters: parameters, bodyTooLarge: false)
                response = HTTPResponse(status: 400, body: Array("Incomplete request body.\n".utf8))
            }
        } catch {
            let fallback = HTTPRequest(
                method: parameters["REQUEST_METHOD"] ?? "-", path: CGIRequestMapping.requestTarget(parameters).path)
            let response = HTTPResponse(status: 500, body: Array("\(error)\n".utf8))
            _ = request.write(CGIResponseEncoder.encode(response))
            RequestLog.record(
                logger, request: fallback, response: response, duration: ContinuousClock.now - start,
                extra: ["error": "\(error)"])
            return
        }
        if !request.write(CGIResponseEncoder.encode(response)) {
            extra["client_gone"] = "true"
        }
        RequestLog.record(
            logger, request: httpRequest, response: response, duration: ContinuousClock.now - start, extra: extra)
    }
}
