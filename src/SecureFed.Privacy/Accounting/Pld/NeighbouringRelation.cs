// Neighbouring relations for the privacy loss distributions of a Poisson-subsampled mechanism,
// after Google's dp_accounting (privacy_loss_mechanism.py, AdjacencyType): under add-or-remove
// neighbours the subsampled mechanism is not symmetric, so each direction has its own PLD.

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>Which direction of the add-or-remove relation a privacy loss describes.</summary>
internal enum NeighbouringRelation
{
    /// <summary>The upper distribution has the record, the lower one does not.</summary>
    Remove,

    /// <summary>The upper distribution lacks the record, the lower one has it.</summary>
    Add,
}
