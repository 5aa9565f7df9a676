import Testing
import VLMCompute

@Suite struct GreedyTests {
    @Test func takesTheFirstOfTiedMaxima() {
        #expect(Greedy.token([1, 5, 5, 2][...]) == 1)
        #expect(Greedy.token([3, 5, 5, 7][2...]) == 1)
    }
}
