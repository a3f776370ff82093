using System.Runtime.InteropServices;

namespace Aevb.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM for every long verb (train, reproduce, reproduce all, notebook run): the first signal
/// cancels <see cref="Token"/> and the process keeps running, so the verb can save a checkpoint, say how to resume and
/// exit 130; a second signal ends the process at once (the default action). System.CommandLine's own handling is
/// turned off in Program.cs, because it ends the process two seconds after the first signal, before anything is saved.
/// </summary>
internal static class Interrupt
{
    /// <summary>The exit code of an interrupted verb (128 + SIGINT, as shells report Ctrl+C).</summary>
    public const int ExitCode = 130;

    private static readonly CancellationTokenSource s_cts = new();
    private static readonly List<PosixSignalRegistration> s_registrations = [];

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public static CancellationToken Token => s_cts.Token;

    /// <summary>A notebook worker process: every signal only cancels (its parent may pass one on after the terminal's).</summary>
    public static bool KeepRunningOnRepeat { get; set; }

    /// <summary>Which signal cancelled <see cref="Token"/> ("SIGINT" or "SIGTERM"), or null.</summary>
    public static string? Signal { get; private set; }

    public static void Install()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                s_registrations.Add(PosixSignalRegistration.Create(signal, Handle));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGTERM on Windows: Ctrl+C still works.
            }
        }
    }

    private static void Handle(PosixSignalContext context)
    {
        if (s_cts.IsCancellationRequested)
        {
            if (KeepRunningOnRepeat) context.Cancel = true;
            return; // otherwise the second one takes the default action: the process ends now
        }
        context.Cancel = true;
        Signal = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        try
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"{Signal}: stopping and saving what can be saved (send it again to quit at once, losing that)...");
        }
        catch (IOException)
        {
        }
        s_cts.Cancel();
    }
}
