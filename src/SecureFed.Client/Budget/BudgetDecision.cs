using System.Globalization;

namespace SecureFed.Client.Budget;

/// <summary>The outcome of asking a <see cref="LocalBudget"/> to charge a round.</summary>
/// <param name="Refusal">Why the round was refused; <see cref="BudgetRefusal.None"/> when it
/// was charged.</param>
/// <param name="EpsilonBefore">Epsilon spent before the round.</param>
/// <param name="EpsilonAfter">Epsilon spent with the round (equal to
/// <paramref name="EpsilonBefore"/> when it was charged already).</param>
/// <param name="EpsilonLimit">The budget's limit.</param>
/// <param name="Delta">The delta at which every epsilon is given.</param>
public sealed record BudgetDecision(
    BudgetRefusal Refusal,
    double EpsilonBefore,
    double EpsilonAfter,
    double EpsilonLimit,
    double Delta)
{
    /// <summary>Whether the round was charged.</summary>
    public bool Accepted => Refusal == BudgetRefusal.None;

    /// <summary>One sentence for a person.</summary>
    public string Message => Refusal switch
    {
        BudgetRefusal.None => string.Create(CultureInfo.InvariantCulture,
            $"Charged: epsilon {EpsilonBefore:G6} -> {EpsilonAfter:G6} of {EpsilonLimit:G6} "
            + $"at delta {Delta:G3}."),
        BudgetRefusal.ExceedsLimit => string.Create(CultureInfo.InvariantCulture,
            $"Refused: the round would take epsilon from {EpsilonBefore:G6} to "
            + $"{EpsilonAfter:G6}, past the limit {EpsilonLimit:G6} at delta {Delta:G3}."),
        _ => "Refused: this round has been charged already.",
    };
}
