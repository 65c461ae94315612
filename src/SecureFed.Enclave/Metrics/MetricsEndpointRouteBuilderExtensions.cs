// GET /metrics for a Prometheus scraper on the appliance itself. The endpoint answers only
// on the metrics listener (127.0.0.1:<port>, plain HTTP/1.1, configured by the host): the
// check is on the connection's local port, which a client cannot choose, rather than on
// the Host header (RequireHost), which it can. On the gRPC listener /metrics is a 404,
// indistinguishable from a path that does not exist.

using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureFed.Enclave.Metrics;

/// <summary>Registers and maps the appliance's metrics.</summary>
public static class MetricsEndpointRouteBuilderExtensions
{
    /// <summary>The path the metrics are served at.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers the process's <see cref="EnclaveMetrics"/> singleton.</summary>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddSecureFedMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<EnclaveMetrics>();
        return services;
    }

    /// <summary>
    /// Maps GET <c>/metrics</c>, served only to connections accepted on
    /// <paramref name="metricsPort"/>.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="metricsPort">
    /// The local port of the metrics listener, which the host binds to 127.0.0.1 alone.
    /// </param>
    /// <returns>The endpoint's convention builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="metricsPort"/> is not in [1, 65535].
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// <see cref="AddSecureFedMetrics"/> was not called.
    /// </exception>
    public static IEndpointConventionBuilder MapSecureFedMetrics(
        this IEndpointRouteBuilder endpoints, int metricsPort)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(metricsPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(metricsPort, 65535);
        var metrics = endpoints.ServiceProvider.GetRequiredService<EnclaveMetrics>();

        return endpoints.MapGet(Path, context => ServeAsync(context, metrics, metricsPort))
            .WithDisplayName("SecureFed metrics");
    }

    private static Task ServeAsync(HttpContext context, EnclaveMetrics metrics, int metricsPort)
    {
        if (context.Connection.LocalPort != metricsPort)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.ContentType = EnclaveMetrics.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(metrics.Render(), context.RequestAborted);
    }
}
