// Default Rényi orders of the accountant: the list DEFAULT_RDP_ORDERS of Google's dp_accounting
// (python/dp_accounting/rdp/rdp_privacy_accountant.py, google/differential-privacy), namely
// 1 + x/10 for x = 1..99 (1.1 to 10.9), the integers 11..63, and 128, 256, 512, 1024:
// 156 orders, dense where subsampled Gaussian accounting usually finds its optimum.

namespace SecureFed.Privacy.Accounting;

/// <summary>Rényi orders at which the accountant tracks its bound.</summary>
public static class RdpOrders
{
    private static readonly IReadOnlyList<double> DefaultOrders = Array.AsReadOnly(BuildDefault());

    /// <summary>
    /// dp_accounting's default orders: 1.1, 1.2, ..., 10.9, then 11, 12, ..., 63, then 128, 256,
    /// 512 and 1024.
    /// </summary>
    public static IReadOnlyList<double> Default => DefaultOrders;

    private static double[] BuildDefault()
    {
        var orders = new List<double>(156);

        // Written as 1 + x / 10.0 so that each value has the same bits as in dp_accounting.
        for (int x = 1; x < 100; x++)
        {
            orders.Add(1 + x / 10.0);
        }

        for (int order = 11; order < 64; order++)
        {
            orders.Add(order);
        }

        orders.AddRange([128, 256, 512, 1024]);
        return [.. orders];
    }
}
