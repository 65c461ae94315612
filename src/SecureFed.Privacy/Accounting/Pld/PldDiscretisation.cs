// How a privacy loss distribution is put on its grid: the connect-the-dots discretisation of
// Doroshenko, Ghazi, Kamath, Kumar and Manurangsi, "Connect the Dots: Tighter Discrete
// Approximations of Privacy Loss Distributions" (PETS 2022), which dp_accounting uses by default
// (use_connect_dots = True), or the older rounding of every loss up to the grid.

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>How the privacy loss distribution of a mechanism is placed on its grid.</summary>
public enum PldDiscretisation
{
    /// <summary>
    /// Masses chosen so that delta(epsilon) is exact at every grid point and interpolated
    /// between them (Doroshenko et al. 2022): pessimistic, without drift over many steps.
    /// </summary>
    ConnectTheDots,

    /// <summary>
    /// Every loss rounded up to the next grid point: pessimistic, but each step may add up to
    /// one grid interval to the loss, so many steps drift (about T h / 2 after T steps).
    /// </summary>
    RoundUp,
}
