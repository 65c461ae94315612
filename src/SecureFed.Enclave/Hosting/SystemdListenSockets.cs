// Socket activation (sd_listen_fds(3), systemd.socket(5)): the manager opens the listening
// sockets of a .socket unit itself and starts the service with them as file descriptors
// 3, 4, ... ($LISTEN_FDS of them), for the process $LISTEN_PID alone. FileDescriptorName=
// in the .socket unit names each one; the names arrive colon-separated in $LISTEN_FDNAMES,
// in descriptor order.
//
// Why the appliance reads these itself rather than calling Kestrel's UseSystemd(): that
// applies one ListenOptions callback to every inherited socket, and the appliance has two
// listeners that differ (TLS 1.3 gRPC with client certificates, plain-HTTP metrics). The
// names say which descriptor is which. A service that takes its sockets from systemd can
// run with PrivateNetwork=yes: an accepted connection keeps working across the namespace.

using System.Globalization;

namespace SecureFed.Enclave.Hosting;

/// <summary>The listening sockets systemd passed to the appliance, by name.</summary>
/// <remarks>
/// Only the names <see cref="GrpcName"/> and <see cref="MetricsName"/> are accepted, each at
/// most once, and a gRPC socket is required: a socket unit that passes anything else is a
/// deployment error that must stop the start, not be ignored.
/// </remarks>
public sealed class SystemdListenSockets
{
    /// <summary>The variable with the pid the sockets are meant for.</summary>
    public const string ProcessIdVariable = "LISTEN_PID";

    /// <summary>The variable with the number of sockets passed.</summary>
    public const string CountVariable = "LISTEN_FDS";

    /// <summary>The variable with the sockets' names, separated by colons.</summary>
    public const string NamesVariable = "LISTEN_FDNAMES";

    /// <summary>The first descriptor systemd passes (SD_LISTEN_FDS_START).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>The FileDescriptorName= of the gRPC listener.</summary>
    public const string GrpcName = "grpc";

    /// <summary>The FileDescriptorName= of the metrics listener.</summary>
    public const string MetricsName = "metrics";

    // More than the two listeners the appliance knows is a misconfigured unit anyway; the
    // bound keeps a hostile environment from making the loop below run for long.
    private const int MaxDescriptors = 16;

    private SystemdListenSockets(int grpc, int? metrics)
    {
        GrpcDescriptor = grpc;
        MetricsDescriptor = metrics;
    }

    /// <summary>Sockets with the given descriptors, as if systemd had passed them.</summary>
    internal static SystemdListenSockets ForDescriptors(int grpc, int? metrics) => new(grpc, metrics);

    /// <summary>The descriptor of the gRPC listener.</summary>
    public int GrpcDescriptor { get; }

    /// <summary>The descriptor of the metrics listener; null when none was passed.</summary>
    public int? MetricsDescriptor { get; }

    /// <summary>Reads the sockets that the service manager passed to this process.</summary>
    /// <returns>The sockets, or null when the process was not socket-activated.</returns>
    /// <exception cref="InvalidOperationException">See <see cref="Read"/>.</exception>
    public static SystemdListenSockets? FromEnvironment() =>
        Read(Environment.GetEnvironmentVariable, Environment.ProcessId);

    /// <summary>Reads the sockets passed to process <paramref name="processId"/>.</summary>
    /// <param name="environment">Looks up an environment variable (null when unset).</param>
    /// <param name="processId">The current process's id.</param>
    /// <returns>
    /// The sockets, or null when <c>LISTEN_FDS</c> is unset or 0, or <c>LISTEN_PID</c> names
    /// another process (a child that inherited the environment).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="environment"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// The variables are malformed, a socket is unnamed or has a name other than
    /// <c>grpc</c> or <c>metrics</c>, a name repeats, or no <c>grpc</c> socket was passed.
    /// </exception>
    public static SystemdListenSockets? Read(Func<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);

        string? pidText = environment(ProcessIdVariable);
        string? countText = environment(CountVariable);
        if (string.IsNullOrEmpty(countText) || string.IsNullOrEmpty(pidText))
        {
            return null;
        }

        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            throw Bad($"{ProcessIdVariable} is not a process id: '{pidText}'");
        }

        if (pid != processId)
        {
            return null;
        }

        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count > MaxDescriptors)
        {
            throw Bad($"{CountVariable} is not a count of at most {MaxDescriptors}: '{countText}'");
        }

        if (count == 0)
        {
            return null;
        }

        string[] names = (environment(NamesVariable) ?? string.Empty).Split(':');
        if (names.Length != count)
        {
            throw Bad($"{NamesVariable} names {names.Length} sockets, {CountVariable} says {count}; "
                + $"give each ListenStream= a FileDescriptorName= of '{GrpcName}' or '{MetricsName}'");
        }

        return FromNames(names);
    }

    private static SystemdListenSockets FromNames(string[] names)
    {
        int? grpc = null;
        int? metrics = null;
        for (int i = 0; i < names.Length; i++)
        {
            int descriptor = FirstDescriptor + i;
            switch (names[i])
            {
                case GrpcName when grpc is null:
                    grpc = descriptor;
                    break;
                case MetricsName when metrics is null:
                    metrics = descriptor;
                    break;
                case GrpcName or MetricsName:
                    throw Bad($"more than one socket is named '{names[i]}'");
                default:
                    throw Bad($"socket {descriptor} is named '{names[i]}'; "
                        + $"the appliance takes only '{GrpcName}' and '{MetricsName}'");
            }
        }

        return grpc is null
            ? throw Bad($"no socket is named '{GrpcName}'")
            : new SystemdListenSockets(grpc.Value, metrics);
    }

    private static InvalidOperationException Bad(string problem) =>
        new($"Socket activation: {problem}.");
}
