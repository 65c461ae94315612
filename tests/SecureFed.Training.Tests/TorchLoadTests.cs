using TorchSharp;
using static TorchSharp.torch;

namespace SecureFed.Training.Tests;

public sealed class TorchLoadTests
{
    [Fact]
    public void Torch_LoadsInTheTestProcess()
    {
        using var ones = torch.ones(2);

        Assert.Equal(2f, ones.sum().item<float>());
    }

    [Fact]
    public void LogisticRegression_SeparableData_ExceedsNinetyFivePercentAccuracy()
    {
        torch.manual_seed(7);
        using var scope = NewDisposeScope();

        // Two Gaussian clouds around (+2, +2) and (-2, -2): separable up to a few points.
        var labels = torch.randint(0, 2, [400], dtype: ScalarType.Float32);
        var centres = (labels * 4 - 2).unsqueeze(1).expand(400, 2);
        var features = centres + torch.randn(400, 2) * 0.5;

        var model = nn.Linear(2, 1);
        var optimizer = optim.SGD(model.parameters(), 0.5);
        var loss = nn.BCEWithLogitsLoss();
        for (var epoch = 0; epoch < 100; epoch++)
        {
            optimizer.zero_grad();
            loss.forward(model.forward(features).squeeze(1), labels).backward();
            optimizer.step();
        }

        using var noGrad = torch.no_grad();
        var predicted = (model.forward(features).squeeze(1) > 0).to_type(ScalarType.Float32);
        var accuracy = (predicted == labels).to_type(ScalarType.Float32).mean().item<float>();
        Assert.True(accuracy > 0.95f, $"accuracy {accuracy}");
    }
}
