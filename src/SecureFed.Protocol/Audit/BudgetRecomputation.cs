// The federation's budget as the auditor recomputes it: Rényi DP composes by adding curves
// order by order (Mironov, CSF 2017, Proposition 1), and the sum is converted to epsilon at
// the federation's delta with the conversion of Canonne, Kamath and Steinke (NeurIPS 2020),
// as RdpAccountant does. Curves are added in ledger order, as the appliance charges rounds.

using SecureFed.Privacy.Accounting;

namespace SecureFed.Protocol.Audit;

/// <summary>The Rényi DP spent by the rounds completed so far.</summary>
internal sealed class BudgetRecomputation
{
    private readonly double _delta;
    private readonly double[] _spent = new double[RdpOrders.Default.Count];
    private bool _any;

    public BudgetRecomputation(double delta)
    {
        _delta = delta;
    }

    /// <summary>Epsilon of the rounds charged so far; 0 before any.</summary>
    public double Epsilon() => _any ? ToEpsilon(_spent) : 0;

    /// <summary>Epsilon if a round with <paramref name="curve"/> were charged as well.</summary>
    public double EpsilonWith(double[] curve)
    {
        var total = (double[])_spent.Clone();
        Add(total, curve);
        return ToEpsilon(total);
    }

    /// <summary>Charges a completed round and returns the epsilon after it.</summary>
    public double Charge(double[] curve)
    {
        Add(_spent, curve);
        _any = true;
        return ToEpsilon(_spent);
    }

    private static void Add(double[] total, double[] curve)
    {
        for (int i = 0; i < total.Length; i++)
        {
            total[i] += curve[i];
        }
    }

    private double ToEpsilon(double[] curve) =>
        RdpConversion.Epsilon(RdpOrders.Default, curve, _delta).Epsilon;
}
