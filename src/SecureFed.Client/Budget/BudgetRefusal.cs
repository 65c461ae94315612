namespace SecureFed.Client.Budget;

/// <summary>Why a round was not charged.</summary>
public enum BudgetRefusal
{
    /// <summary>The round was charged.</summary>
    None,

    /// <summary>The round would take the epsilon spent past the limit.</summary>
    ExceedsLimit,

    /// <summary>The round (federation and round id) has been charged already.</summary>
    AlreadyCharged,
}
