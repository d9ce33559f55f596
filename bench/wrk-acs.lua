-- wrk script for samlgate's ACS benchmark: POSTs a different pre-encoded form body per request.
--
--   wrk -t T -c C -d 10s --latency -s bench/wrk-acs.lua URL -- BODIES_FILE T [EXPECTED_LOCATION]
--   wrk -t T -c C -d 10s --latency -s bench/wrk-acs.lua URL -- - T     (plain GETs, statuses counted)
--
-- BODIES_FILE holds one form body per line (`SAMLResponse=<url-encoded base64>`), each a unique signed
-- response: a body is never sent twice (replay caches would reject it and the benchmark would measure
-- error pages). Thread i of T sends lines i, i+T, i+2T, …; a thread that has used up its lines stops
-- (`wrk.thread:stop()`) and the run is reported as exhausted.
--
-- At the end it prints machine-readable lines, all starting with "BENCH ":
--   BENCH status <code> <count>     answers per HTTP status; with EXPECTED_LOCATION, a redirect elsewhere
--                                   is counted as 1000 + its status (e.g. 1303)
--   BENCH sent <n> exhausted <k>    requests sent, threads that ran out of bodies
--   BENCH thread <tid> sent <n>     per thread: its first n lines were sent (the rest may be reused)
--   BENCH errors connect <n> read <n> write <n> timeout <n> status <n>
--   BENCH duration_us <us> requests <n>
--   BENCH latency_us p50 <us> p90 <us> p99 <us> max <us>

local threads = {}

function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
end

local bodies = {}
local plain = false
local expect_location = nil
local next_index = 1
-- Globals (not locals): done() reads them from each thread with thread:get().
statuses = {}
sent = 0
exhausted = 0

function init(args)
    local path = args[1]
    if not path then
        error("usage: wrk ... -s wrk-acs.lua URL -- BODIES_FILE|- THREADS")
    end
    if path == "-" then
        plain = true
        return
    end
    -- Thread count is not known in the thread's own state: setup() stored our id, the count comes
    -- as the second script argument.
    local count = tonumber(args[2] or "1")
    if args[3] and args[3] ~= "" then
        expect_location = args[3]
    end
    local i = 0
    for line in io.lines(path) do
        if line ~= "" then
            if i % count == tid then
                bodies[#bodies + 1] = line
            end
            i = i + 1
        end
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
    if plain then
        sent = sent + 1
        return wrk.format()
    end
    local body = bodies[next_index]
    if body == nil then
        -- Out of unique bodies: stop this thread rather than replay one. The request returned here is
        -- never answered (the thread's event loop ends), but wrk needs one to be returned.
        if exhausted == 0 then
            exhausted = 1
            wrk.thread:stop()
        end
        return wrk.format("GET", "/__bench_exhausted__", nil, nil)
    end
    bodies[next_index] = false  -- free it; `false` is not nil, so the index stays dense
    next_index = next_index + 1
    sent = sent + 1
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    if expect_location and status >= 300 and status < 400 and headers["Location"] ~= expect_location then
        status = status + 1000
    end
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local totals = {}
    local total_sent, total_exhausted = 0, 0
    for _, thread in ipairs(threads) do
        local s = thread:get("statuses")
        for code, n in pairs(s) do
            totals[code] = (totals[code] or 0) + n
        end
        total_sent = total_sent + thread:get("sent")
        total_exhausted = total_exhausted + thread:get("exhausted")
        io.write(string.format("BENCH thread %d sent %d\n", thread:get("tid"), thread:get("sent")))
    end
    for code, n in pairs(totals) do
        io.write(string.format("BENCH status %d %d\n", code, n))
    end
    io.write(string.format("BENCH sent %d exhausted %d\n", total_sent, total_exhausted))
    local e = summary.errors
    io.write(string.format("BENCH errors connect %d read %d write %d timeout %d status %d\n",
        e.connect, e.read, e.write, e.timeout, e.status))
    io.write(string.format("BENCH duration_us %d requests %d\n", summary.duration, summary.requests))
    io.write(string.format("BENCH latency_us p50 %d p90 %d p99 %d max %d\n",
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
