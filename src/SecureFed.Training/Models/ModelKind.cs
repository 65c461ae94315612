namespace SecureFed.Training.Models;

/// <summary>The model architectures for tabular data.</summary>
public enum ModelKind
{
    /// <summary>Multinomial logistic regression: one linear layer and a softmax.</summary>
    LogisticRegression,

    /// <summary>A multilayer perceptron: linear, ReLU, linear, then a softmax.</summary>
    Mlp,
}
