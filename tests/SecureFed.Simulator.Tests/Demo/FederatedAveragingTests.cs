using SecureFed.Simulator.Demo;
using SecureFed.Training;
using SecureFed.Training.Data;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary>
/// The federated training loop of the demo. The average is replaced by a constant step of
/// 0.1 per coordinate and the server is plain FedAvg of rate 1, so the global model of round
/// r is the initial model moved r times by 0.1, whatever the clients learned; the tail mean
/// is then known in advance.
/// </summary>
public class FederatedAveragingTests
{
    private const double ConstantStep = 0.1;

    private static readonly TrainingOptions Training = new() { Seed = 7, BatchSize = 4 };

    [Fact]
    public async Task RunAsync_TailRounds_AveragesTheLastGlobalModels()
    {
        float[][] globals = GlobalModels(4);
        using var run = new FederatedAveraging(ClientData(), TestSet(), Training);

        await run.RunAsync(4, ConstantAverage, tailRounds: 3);

        float[] expected = TailMean(globals, from: 2, to: 4);
        Assert.Equal(expected, run.FinalParameters);

        // The same, as the brief states it: initial + 0.1 * (mean of 2, 3 and 4).
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(globals[0][i] + (ConstantStep * 3), run.FinalParameters[i], 1e-5);
        }
    }

    [Fact]
    public async Task RunAsync_OneTailRound_KeepsTheLastGlobalModel()
    {
        float[][] globals = GlobalModels(3);
        using var run = new FederatedAveraging(ClientData(), TestSet(), Training);

        await run.RunAsync(3, ConstantAverage);

        Assert.Equal(globals[3], run.FinalParameters);
    }

    [Fact]
    public async Task RunAsync_MoreTailRoundsThanRounds_AveragesEveryRound()
    {
        float[][] globals = GlobalModels(2);
        using var run = new FederatedAveraging(ClientData(), TestSet(), Training);

        await run.RunAsync(2, ConstantAverage, tailRounds: 10);

        Assert.Equal(TailMean(globals, from: 1, to: 2), run.FinalParameters);
    }

    [Fact]
    public async Task RunAsync_ZeroTailRounds_Throws()
    {
        using var run = new FederatedAveraging(ClientData(), TestSet(), Training);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => run.RunAsync(2, ConstantAverage, tailRounds: 0));
    }

    [Fact]
    public async Task RunAsync_ReportsEachClientInOrderThenTheRound()
    {
        var clients = ClientData();
        var events = new List<string>();
        var examples = new List<int[]>();
        using var run = new FederatedAveraging(clients, TestSet(), Training);

        double[] accuracy = await run.RunAsync(
            2,
            updates =>
            {
                examples.Add([.. updates.Select(u => u.Examples)]);
                return ConstantAverage(updates);
            },
            progress: (round, _) => events.Add($"round {round}"),
            trained: (round, k) => events.Add($"trained {round}/{k}"));

        string[] expected =
        [
            "trained 1/1", "trained 1/2", "trained 1/3", "trained 1/4", "round 1",
            "trained 2/1", "trained 2/2", "trained 2/3", "trained 2/4", "round 2",
        ];
        Assert.Equal(expected, events);

        // The empty client (a Dirichlet split can leave one) still reports, with weight zero.
        int[] rows = [.. clients.Select(c => c.RowCount)];
        Assert.Equal([rows, rows], examples);
        Assert.Equal(0, rows[3]);
        Assert.Equal(2, accuracy.Length);
        Assert.InRange(run.FinalAccuracy, 0, 1);
    }

    [Fact]
    public async Task PlainAverage_WeightsEachDeltaByItsExamples()
    {
        ClientUpdate[] updates =
        [
            new([1f, -2f], 1),
            new([4f, 0f], 3),
            new([100f, 100f], 0),
        ];

        double[] average = await FederatedAveraging.PlainAverage(updates);

        Assert.Equal([3.25, -0.5], average);
    }

    private static Task<double[]> ConstantAverage(ClientUpdate[] updates) =>
        Task.FromResult(Enumerable.Repeat(ConstantStep, updates[0].Delta.Length).ToArray());

    // The global models of rounds 0 (the initial one) to rounds, as the FedAvg server of rate
    // 1 computes them from the constant step: in float32, one round after another.
    private static float[][] GlobalModels(int rounds)
    {
        var test = TestSet();
        using var initial = new LocalTrainer(test.FeatureCount, test.ClassNames.Count, Training);
        var globals = new float[rounds + 1][];
        globals[0] = initial.GetParameters();
        for (int r = 1; r <= rounds; r++)
        {
            globals[r] = [.. globals[r - 1].Select(p => (float)(p + (1.0 * ConstantStep)))];
        }

        return globals;
    }

    private static float[] TailMean(float[][] globals, int from, int to)
    {
        var sum = new double[globals[0].Length];
        for (int r = from; r <= to; r++)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += globals[r][i];
            }
        }

        return [.. sum.Select(s => (float)(s / (to - from + 1)))];
    }

    // Three small clients and one without rows; two features, two separable classes.
    private static TabularDataSet[] ClientData() =>
    [
        Table([-1f, -1f, 1f, 1f, -0.5f, -1.5f, 1.5f, 0.5f], [0, 1, 0, 1]),
        Table([-2f, -1f, 2f, 1f, -1f, -0.5f], [0, 1, 0]),
        Table([1f, 2f, -1f, -2f, 0.5f, 1f, -0.5f, -1f, 2f, 2f], [1, 0, 1, 0, 1]),
        Table([], []),
    ];

    private static TabularDataSet TestSet() =>
        Table([-1f, -2f, 2f, 1f, -1.5f, -1f, 1f, 1.5f], [0, 1, 0, 1]);

    private static TabularDataSet Table(float[] features, long[] labels) =>
        new(features, labels, 2, ["negative", "positive"]);
}
