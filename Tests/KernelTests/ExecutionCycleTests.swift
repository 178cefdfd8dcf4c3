import CellEngine
import Kernel
import NotebookJSON
import Testing

@Suite struct ExecutionCycleTests {
    func request(_ content: JSONValue) -> ExecutionCycle.Request { ExecutionCycle.Request(content: content) }

    @Test func successfulCellPublishesInputResultAndReply() {
        var cycle = ExecutionCycle()
        let start = cycle.start(request(["code": "6 * 7"]))
        #expect(
            start == [
                .publish("execute_input", ["code": "6 * 7", "execution_count": 1]), .recordInput(1, "6 * 7"),
                .run("6 * 7"),
            ])
        let output = cycle.output(.stream(.stdout, "hi\n"))
        #expect(output == [.publish("stream", ["name": "stdout", "text": "hi\n"])])
        let finish = cycle.finish(.success(CellSuccess(result: DisplayOutput(data: ["text/plain": "42"]))))
        #expect(
            finish == [
                .publish(
                    "execute_result",
                    ["data": ["text/plain": "42"], "metadata": [:], "transient": [:], "execution_count": 1]),
                .recordOutput(1, "42"),
                .reply(["status": "ok", "execution_count": 1, "payload": [], "user_expressions": [:]]),
            ])
        #expect(cycle.state == .idle)
    }

    @Test func silentCellPublishesNothingAndKeepsTheCount() {
        var cycle = ExecutionCycle()
        _ = cycle.start(request(["code": "1"]))
        _ = cycle.finish(.success(CellSuccess(result: nil)))
        let start = cycle.start(request(["code": "2", "silent": true, "store_history": true]))
        #expect(start == [.run("2")])
        #expect(cycle.output(.stream(.stdout, "x")).isEmpty)
        let finish = cycle.finish(.success(CellSuccess(result: DisplayOutput(data: ["text/plain": "2"]))))
        #expect(finish == [.reply(["status": "ok", "execution_count": 1, "payload": [], "user_expressions": [:]])])
    }

    @Test func storeHistoryFalseDoesNotCount() {
        var cycle = ExecutionCycle()
        let start = cycle.start(request(["code": "1", "store_history": false]))
        #expect(start == [.publish("execute_input", ["code": "1", "execution_count": 0]), .run("1")])
        #expect(cycle.executionCount == 0)
    }

    @Test func errorWithStopOnErrorAbortsQueuedRequests() {
        var cycle = ExecutionCycle()
        _ = cycle.start(request(["code": "bad"]))
        let failure = CellFailure(
            kind: .thrownError, name: "Boom", message: "it broke", traceback: ["Boom: it broke", "  at line 1"])
        let finish = cycle.finish(.failure(failure))
        #expect(
            finish.first
                == .publish(
                    "error", ["ename": "Boom", "evalue": "it broke", "traceback": ["Boom: it broke", "  at line 1"]]))
        guard case .reply(let reply)? = finish.last else {
            Issue.record("no reply")
            return
        }
        #expect(reply["status"] == "error")
        #expect(reply["ename"] == "Boom")
        #expect(reply["traceback"]?.arrayValue?.count == 2)
        #expect(cycle.state == .aborting)
        #expect(cycle.start(request(["code": "next"])) == [.reply(["status": "aborted", "execution_count": 1])])
        cycle.queueDrained()
        #expect(cycle.start(request(["code": "next"])).last == .run("next"))
        #expect(cycle.executionCount == 2)
    }

    @Test func errorWithoutStopOnErrorKeepsRunning() {
        var cycle = ExecutionCycle()
        _ = cycle.start(request(["code": "bad", "stop_on_error": false]))
        _ = cycle.finish(.failure(CellFailure(kind: .compileError, name: "CompileError", message: "x", traceback: [])))
        #expect(cycle.state == .idle)
    }

    @Test func displayEventsCarryTheirID() {
        let action = ExecutionCycle.message(
            for: .updateDisplay(DisplayOutput(data: ["text/plain": "v2"], displayID: "plot")))
        #expect(
            action
                == .publish(
                    "update_display_data",
                    ["data": ["text/plain": "v2"], "metadata": [:], "transient": ["display_id": "plot"]]))
        #expect(ExecutionCycle.message(for: .clearOutput(wait: true)) == .publish("clear_output", ["wait": true]))
    }

    @Test func mistypedFieldsTakeDefaults() {
        let parsed = request(["code": 5, "silent": "yes", "user_expressions": ["a": "x", "b": 3]])
        #expect(parsed.code == "")
        #expect(!parsed.silent)
        #expect(parsed.storeHistory)
        #expect(parsed.userExpressions == ["a": "x"])
    }
}

@Suite struct ExecutionHistoryTests {
    func history() -> ExecutionHistory {
        var history = ExecutionHistory()
        for (line, code) in ["let a = 1", "a + 1", "print(a)", "a + 1", "let b = 2"].enumerated() {
            history.record(line: line + 1, input: code)
        }
        history.recordOutput(line: 2, output: "2")
        return history
    }

    func inputs(_ reply: JSONValue) -> [String] {
        (reply["history"]?.arrayValue ?? []).compactMap { $0.arrayValue?[2].stringValue }
    }

    @Test func tailGivesTheLastN() {
        let reply = history().reply(to: ["hist_access_type": "tail", "n": 2, "output": false, "raw": true])
        #expect(inputs(reply) == ["a + 1", "let b = 2"])
        #expect(reply["history"]?.arrayValue?.first?.arrayValue?[1] == 4)
    }

    @Test func rangeIsHalfOpen() {
        let reply = history().reply(to: [
            "hist_access_type": "range", "session": 1, "start": 2, "stop": 4, "output": false, "raw": true,
        ])
        #expect(inputs(reply) == ["a + 1", "print(a)"])
        let otherSession = history().reply(to: [
            "hist_access_type": "range", "session": 7, "start": 1, "stop": 3, "output": false, "raw": true,
        ])
        #expect(inputs(otherSession).isEmpty)
    }

    @Test func searchGlobsUniqueAndN() {
        let all = history().reply(to: ["hist_access_type": "search", "pattern": "a ?*", "output": false, "raw": true])
        #expect(inputs(all) == ["a + 1", "a + 1"])
        let unique = history().reply(to: [
            "hist_access_type": "search", "pattern": "a ?*", "unique": true, "output": false, "raw": true,
        ])
        #expect(inputs(unique) == ["a + 1"])
        let sets = history().reply(to: [
            "hist_access_type": "search", "pattern": "let [ab] = [0-9]", "output": false, "raw": true,
        ])
        #expect(inputs(sets) == ["let a = 1", "let b = 2"])
        let negated = history().reply(to: [
            "hist_access_type": "search", "pattern": "let [!a]*", "output": false, "raw": true,
        ])
        #expect(inputs(negated) == ["let b = 2"])
        let n = history().reply(to: [
            "hist_access_type": "search", "pattern": "*", "n": 3, "output": false, "raw": true,
        ])
        #expect(inputs(n) == ["print(a)", "a + 1", "let b = 2"])
    }

    @Test func outputPairsInputWithResult() {
        let reply = history().reply(to: [
            "hist_access_type": "range", "start": 2, "stop": 3, "output": true, "raw": true,
        ])
        #expect(reply["history"]?.arrayValue?.first?.arrayValue?[2] == ["a + 1", "2"])
    }
}

@Suite struct HelpQueryTests {
    @Test func recognisesHelpCellsOnly() {
        #expect(HelpQuery.topic(of: "?print") == "print")
        #expect(HelpQuery.topic(of: "  Normal.mean? \n") == "Normal.mean")
        #expect(HelpQuery.topic(of: "x?.y") == nil)
        #expect(HelpQuery.topic(of: "a ? b : c") == nil)
        #expect(HelpQuery.topic(of: "?") == nil)
        #expect(HelpQuery.topic(of: "?1abc") == nil)
    }
}
