namespace SecureFed.Training.Models;

/// <summary>The optimisers a client can train with.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent.</summary>
    Sgd,

    /// <summary>Adam (Kingma and Ba, 2015) with TorchSharp's default betas.</summary>
    Adam,
}
