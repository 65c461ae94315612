// Where Kestrel listens: on the addresses of the configuration, or on the sockets systemd
// passed (socket activation). The metrics route checks the connection's local port, so
// for an inherited socket the port is read from the socket itself, not from a setting.

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SecureFed.Enclave.Configuration;

namespace SecureFed.Enclave.Hosting;

/// <summary>The appliance's two listeners, from the configuration or from systemd.</summary>
internal sealed class ApplianceListeners
{
    private readonly IPEndPoint? _grpcEndpoint;
    private readonly IPEndPoint? _metricsEndpoint;
    private readonly SystemdListenSockets? _sockets;

    private ApplianceListeners(
        IPEndPoint? grpcEndpoint, IPEndPoint? metricsEndpoint, SystemdListenSockets? sockets, int? metricsPort)
    {
        _grpcEndpoint = grpcEndpoint;
        _metricsEndpoint = metricsEndpoint;
        _sockets = sockets;
        MetricsPort = metricsPort;
    }

    /// <summary>The local port of the metrics listener; null when there is none.</summary>
    public int? MetricsPort { get; }

    /// <summary>Takes the sockets when systemd passed any, else the configured addresses.</summary>
    /// <exception cref="FormatException">A configured address does not parse.</exception>
    /// <exception cref="InvalidOperationException">An inherited socket is not a TCP listener.</exception>
    public static ApplianceListeners Resolve(EnclaveOptions options, SystemdListenSockets? sockets)
    {
        if (sockets is not null)
        {
            int? port = sockets.MetricsDescriptor is int metrics ? LocalPort(metrics) : null;
            return new ApplianceListeners(null, null, sockets, port);
        }

        var grpc = EnclaveOptions.ParseEndpoint(options.Listen, nameof(options.Listen));
        IPEndPoint? metricsEndpoint = string.IsNullOrEmpty(options.MetricsListen)
            ? null
            : EnclaveOptions.ParseEndpoint(options.MetricsListen, nameof(options.MetricsListen));
        return new ApplianceListeners(grpc, metricsEndpoint, null, metricsEndpoint?.Port);
    }

    /// <summary>Adds the gRPC listener.</summary>
    public void ListenGrpc(KestrelServerOptions kestrel, Action<ListenOptions> configure)
    {
        if (_sockets is not null)
        {
            kestrel.ListenHandle((ulong)_sockets.GrpcDescriptor, configure);
        }
        else
        {
            kestrel.Listen(_grpcEndpoint!, configure);
        }
    }

    /// <summary>Adds the metrics listener, if there is one.</summary>
    public void ListenMetrics(KestrelServerOptions kestrel, Action<ListenOptions> configure)
    {
        if (_sockets?.MetricsDescriptor is int descriptor)
        {
            kestrel.ListenHandle((ulong)descriptor, configure);
        }
        else if (_metricsEndpoint is not null)
        {
            kestrel.Listen(_metricsEndpoint, configure);
        }
    }

    private static int LocalPort(int descriptor)
    {
        // The handle stays the process's: Kestrel takes it over later, so this view of it
        // must not close it.
        using var socket = new Socket(new SafeSocketHandle(descriptor, ownsHandle: false));
        return socket.LocalEndPoint is IPEndPoint local && socket.SocketType == SocketType.Stream
            ? local.Port
            : throw new InvalidOperationException(
                $"Socket activation: descriptor {descriptor} is not a TCP socket; "
                + "the metrics socket needs ListenStream= with an address and port.");
    }
}
