using SecureFed.Training.Federated;

namespace SecureFed.Training.Tests.Federated;

/// <summary>
/// The server optimisers of Reddi et al. (ICLR 2021), checked against steps worked out by
/// hand. The values are dyadic where the step should be exact, so that float32 parameters
/// hold them without rounding.
/// </summary>
public class ServerOptimizerTests
{
    [Fact]
    public void FedAvg_RateOne_AddsTheAverageDeltaExactly()
    {
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAvg, 4);
        float[] parameters = [1f, -2f, 0.5f, 0f];
        double[] delta = [0.25, 0.5, -1.5, 0.125];

        optimizer.Step(parameters, delta);

        Assert.Equal([1.25f, -1.5f, -1f, 0.125f], parameters);
    }

    [Fact]
    public void FedAvg_RateOneHalf_AddsHalfTheAverageDelta()
    {
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAvg, 3, learningRate: 0.5);
        float[] parameters = [1f, -2f, 0.5f];
        double[] delta = [0.25, 3, -1.5];

        optimizer.Step(parameters, delta);

        Assert.Equal([1.125f, -0.5f, -0.25f], parameters);
    }

    [Fact]
    public void FedAvg_KeepsNoStateFromRoundToRound()
    {
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAvg, 2, momentum: 0.5);
        float[] parameters = [0f, 0f];

        optimizer.Step(parameters, [1, -1]);
        optimizer.Step(parameters, [1, -1]);

        Assert.Equal([2f, -2f], parameters);
    }

    [Fact]
    public void FedAvgM_TheSameDeltaTwice_StepsDThenOnePlusBetaTimesD()
    {
        const double beta = 0.5;
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAvgM, 3, momentum: beta);
        float[] parameters = [0f, 1f, -1f];
        double[] d = [0.25, -0.5, 2];

        optimizer.Step(parameters, d);
        Assert.Equal([0.25f, 0.5f, 1f], parameters);

        float[] before = [.. parameters];
        optimizer.Step(parameters, d);
        for (int i = 0; i < d.Length; i++)
        {
            Assert.Equal((float)((1 + beta) * d[i]), parameters[i] - before[i]);
        }
    }

    [Fact]
    public void FedAvgM_ScalesTheHeavyBallStepByTheRate()
    {
        const double beta = 0.75;
        const double eta = 0.5;
        var optimizer = new ServerOptimizer(
            ServerOptimizerKind.FedAvgM, 1, learningRate: eta, momentum: beta);
        float[] parameters = [0f];

        // Momentum after three steps of d = 1: 1, 1.75, 2.3125; the model moves eta times each.
        optimizer.Step(parameters, [1]);
        optimizer.Step(parameters, [1]);
        optimizer.Step(parameters, [1]);

        Assert.Equal((float)(eta * (1 + 1.75 + 2.3125)), parameters[0]);
    }

    [Fact]
    public void FedAdam_FirstStep_MatchesTheClosedForm()
    {
        const double eta = 0.03;
        const double beta1 = 0.9;
        const double beta2 = 0.99;
        const double tau = 0.05;
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAdam, 5, eta, beta1, beta2, tau);
        float[] parameters = [0.5f, -1f, 0f, 2f, 0.25f];
        float[] before = [.. parameters];
        double[] d = [0.5, -0.02, 3, 0, 1e-4];

        optimizer.Step(parameters, d);

        // m = (1 - beta1) d and v = (1 - beta2) d^2 after one step, with no bias correction,
        // so the step is eta (1 - beta1) d / (sqrt(1 - beta2) |d| + tau).
        for (int i = 0; i < d.Length; i++)
        {
            double step = eta * (1 - beta1) * d[i] / ((Math.Sqrt(1 - beta2) * Math.Abs(d[i])) + tau);
            Assert.Equal(before[i] + step, parameters[i], 1e-6);
        }

        // By hand for the first coordinate: 0.03 * 0.1 * 0.5 / (0.1 * 0.5 + 0.05) = 0.015.
        Assert.Equal(0.515, parameters[0], 1e-6);
    }

    [Fact]
    public void FedAdam_SecondStep_UsesTheDecayedMoments()
    {
        const double eta = 0.1;
        const double beta1 = 0.5;
        const double beta2 = 0.75;
        const double tau = 0.25;
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAdam, 1, eta, beta1, beta2, tau);
        float[] parameters = [0f];

        optimizer.Step(parameters, [2]);
        float first = parameters[0];
        optimizer.Step(parameters, [-2]);

        // Step 1: m = 1, v = 1, step = 1 / (1 + 0.25) = 0.8.
        // Step 2: m = 0.5 - 1 = -0.5, v = 0.75 + 1 = 1.75, step = -0.5 / (sqrt(1.75) + 0.25).
        Assert.Equal(eta * 0.8, first, 1e-7);
        double second = -0.5 / (Math.Sqrt(1.75) + 0.25);
        Assert.Equal((eta * 0.8) + (eta * second), parameters[0], 1e-7);
    }

    [Theory]
    [InlineData(ServerOptimizerKind.FedAvg, 2, 3)]
    [InlineData(ServerOptimizerKind.FedAvgM, 3, 2)]
    [InlineData(ServerOptimizerKind.FedAdam, 2, 2)]
    public void Step_WrongLengths_ThrowAndLeaveTheParametersUnchanged(
        ServerOptimizerKind kind, int parameterCount, int deltaCount)
    {
        var optimizer = new ServerOptimizer(kind, 3);
        float[] parameters = [.. Enumerable.Range(1, parameterCount).Select(i => (float)i)];
        float[] before = [.. parameters];
        double[] delta = [.. Enumerable.Repeat(0.5, deltaCount)];

        Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, delta));

        Assert.Equal(before, parameters);
        Assert.Equal(0, optimizer.Steps);
    }

    [Theory]
    [InlineData(ServerOptimizerKind.FedAvg, double.NaN)]
    [InlineData(ServerOptimizerKind.FedAvgM, double.PositiveInfinity)]
    [InlineData(ServerOptimizerKind.FedAdam, double.NegativeInfinity)]
    [InlineData(ServerOptimizerKind.FedAdam, double.NaN)]
    public void Step_NonFiniteDelta_ThrowsAndLeavesTheParametersAndStateUnchanged(
        ServerOptimizerKind kind, double bad)
    {
        var optimizer = new ServerOptimizer(kind, 3, momentum: 0.5, tau: 0.25);
        float[] parameters = [1f, 2f, 3f];

        // The bad value comes last, after coordinates a careless loop would already have moved.
        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, [0.5, -0.5, bad]));

        Assert.Equal("averageDelta", error.ParamName);
        Assert.Equal([1f, 2f, 3f], parameters);
        Assert.Equal(0, optimizer.Steps);

        // The refused step left no momentum behind: the next step is a first step.
        var fresh = new ServerOptimizer(kind, 3, momentum: 0.5, tau: 0.25);
        float[] expected = [1f, 2f, 3f];
        fresh.Step(expected, [0.5, -0.5, 1]);
        optimizer.Step(parameters, [0.5, -0.5, 1]);
        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void Steps_CountsOnlyTheStepsTaken()
    {
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAvgM, 2);
        float[] parameters = [0f, 0f];
        Assert.Equal(0, optimizer.Steps);

        optimizer.Step(parameters, [1, 1]);
        optimizer.Step(parameters, [1, 1]);
        Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, [1]));
        optimizer.Step(parameters, [1, 1]);

        Assert.Equal(3, optimizer.Steps);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_NonPositiveDimension_Throws(int dimension)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServerOptimizer(ServerOptimizerKind.FedAvg, dimension));

        Assert.Equal("dimension", error.ParamName);
    }

    [Fact]
    public void Constructor_UnknownKind_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServerOptimizer((ServerOptimizerKind)3, 1));

        Assert.Equal("kind", error.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_LearningRateNotPositiveAndFinite_Throws(double rate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServerOptimizer(ServerOptimizerKind.FedAvg, 1, learningRate: rate));

        Assert.Equal("learningRate", error.ParamName);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_MomentumOutsideZeroToOne_Throws(double momentum)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServerOptimizer(ServerOptimizerKind.FedAvgM, 1, momentum: momentum));

        Assert.Equal("momentum", error.ParamName);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Constructor_Beta2OutsideZeroToOne_Throws(double beta2)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServerOptimizer(ServerOptimizerKind.FedAdam, 1, beta2: beta2));

        Assert.Equal("beta2", error.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_TauNotPositiveAndFinite_Throws(double tau)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServerOptimizer(ServerOptimizerKind.FedAdam, 1, tau: tau));

        Assert.Equal("tau", error.ParamName);
    }

    [Fact]
    public void Constructor_AcceptsTheLowerEndsOfTheHalfOpenRanges()
    {
        var optimizer = new ServerOptimizer(ServerOptimizerKind.FedAdam, 1, 1e-9, 0, 0, 1e-12);

        Assert.Equal(0, optimizer.Momentum);
        Assert.Equal(0, optimizer.Beta2);
    }

    [Fact]
    public void Options_Create_PassesEverySetting()
    {
        var options = new ServerOptimizerOptions
        {
            Kind = ServerOptimizerKind.FedAdam,
            LearningRate = 0.03,
            Momentum = 0.8,
            Beta2 = 0.95,
            Tau = 0.01,
        };

        var optimizer = options.Create(7);

        Assert.Equal(ServerOptimizerKind.FedAdam, optimizer.Kind);
        Assert.Equal(0.03, optimizer.LearningRate);
        Assert.Equal(0.8, optimizer.Momentum);
        Assert.Equal(0.95, optimizer.Beta2);
        Assert.Equal(0.01, optimizer.Tau);
        Assert.Throws<ArgumentException>(() => optimizer.Step(new float[6], new double[6]));
        optimizer.Step(new float[7], new double[7]);
    }

    [Fact]
    public void Options_Defaults_ArePlainFedAvgOfRateOne()
    {
        var optimizer = new ServerOptimizerOptions().Create(2);
        float[] parameters = [1f, 1f];

        optimizer.Step(parameters, [0.5, -0.25]);
        optimizer.Step(parameters, [0.5, -0.25]);

        Assert.Equal(ServerOptimizerKind.FedAvg, optimizer.Kind);
        Assert.Equal([2f, 0.5f], parameters);
    }

    [Fact]
    public void Options_Create_RefusesAnOutOfRangeSetting()
    {
        var options = new ServerOptimizerOptions { Kind = ServerOptimizerKind.FedAvgM, Momentum = 1 };

        Assert.Throws<ArgumentOutOfRangeException>(() => options.Create(3));
    }
}
