namespace SecureFed.Client.Budget;

/// <summary>How a client's budget turns its rounds into an epsilon.</summary>
public enum BudgetAccountant
{
    /// <summary>Rényi DP (SecureFed.Privacy's RdpAccountant): every kind of round.</summary>
    Rdp,

    /// <summary>
    /// The tighter of Rényi DP and the privacy loss distribution (PldAccountant). The PLD
    /// accountant applies when every round is the same Gaussian (or DP-SGD) mechanism, or the
    /// same unsampled Laplace one; otherwise Rényi DP alone is used.
    /// </summary>
    Pld,
}
