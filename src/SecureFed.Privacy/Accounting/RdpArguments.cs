// Argument checks shared by the public entry points of the RDP accountant. Each check tests one
// value and names it, so a caller sees which parameter was wrong and what it was.

namespace SecureFed.Privacy.Accounting;

/// <summary>Validation of accountant parameters at the public boundary.</summary>
internal static class RdpArguments
{
    internal static void CheckNoiseMultiplier(double noiseMultiplier)
    {
        if (!double.IsFinite(noiseMultiplier) || noiseMultiplier <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(noiseMultiplier), noiseMultiplier,
                "The noise multiplier must be positive and finite.");
        }
    }

    internal static void CheckSampleRate(double sampleRate)
    {
        if (!(sampleRate > 0 && sampleRate <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(sampleRate), sampleRate, "The sample rate must lie in (0, 1].");
        }
    }

    internal static void CheckOrder(double order)
    {
        if (!double.IsFinite(order) || order <= 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(order), order, "A Rényi order must be finite and greater than 1.");
        }
    }

    internal static void CheckOrders(IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(orders), orders.Count, "At least one Rényi order is needed.");
        }

        foreach (double order in orders)
        {
            CheckOrder(order);
        }
    }

    internal static void CheckSteps(int steps)
    {
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(steps), steps, "The step count must be at least 1.");
        }
    }

    internal static void CheckDelta(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(delta), delta, "Delta must lie in (0, 1).");
        }
    }

    internal static void CheckEpsilon(double epsilon)
    {
        if (!double.IsFinite(epsilon) || epsilon < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(epsilon), epsilon, "Epsilon must be finite and not negative.");
        }
    }

    internal static void CheckPositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(
                name, value, "The value must be positive and finite.");
        }
    }
}
