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

    /// <summary>
    /// Set (to 1) by <c>reproduce --jobs</c> in its children: the parent asks a child to stop by closing the child's
    /// standard input, not by a signal. Ctrl+C signals the terminal's whole process group, so a child gets its own
    /// SIGINT; a second one passed on by the parent would end it before it saved. Closing stdin can be repeated
    /// harmlessly, and happens too when the parent dies.
    /// </summary>
    public const string StopOnStdinCloseVariable = "AEVB_STOP_ON_STDIN_CLOSE";

    private static readonly CancellationTokenSource s_cts = new();
    private static int s_signals;
    private static readonly List<PosixSignalRegistration> s_registrations = [];

    /// <summary>
    /// Cancelled by the first SIGINT or SIGTERM. A verb that reads it promises to stop and save when it is cancelled;
    /// in a verb that never reads it (eval, bench, data, notebook check) the first signal ends the process at once, as
    /// it would without this class, instead of announcing a save that never comes while the work runs on.
    /// </summary>
    public static CancellationToken Token
    {
        get
        {
            Volatile.Write(ref s_observed, true);
            return s_cts.Token;
        }
    }

    private static bool s_observed;

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
        if (!Volatile.Read(ref s_observed)) return; // nobody would stop on the token: the default action ends the process
        // Counted apart from other stop requests (the parent's, WatchStdin): only a second *signal* quits at once.
        if (Interlocked.Increment(ref s_signals) > 1)
        {
            if (KeepRunningOnRepeat) context.Cancel = true;
            return; // otherwise the second one takes the default action: the process ends now
        }
        context.Cancel = true;
        Stop(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT", "send it again to quit at once, losing that");
    }

    /// <summary>
    /// In a child of <c>reproduce --jobs</c> (<see cref="StopOnStdinCloseVariable"/> set): stop as on the first signal
    /// when standard input closes (the parent asks, or is gone).
    /// </summary>
    public static void WatchStdin()
    {
        if (Environment.GetEnvironmentVariable(StopOnStdinCloseVariable) != "1") return;
        var thread = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer) > 0) { }
            }
            catch (IOException)
            {
            }
            Stop("stop requested by the parent process", "Ctrl+C quits at once, losing that");
        })
        {
            IsBackground = true,
            Name = "aevb-stdin-watch",
        };
        thread.Start();
    }

    private static readonly object s_stopLock = new();

    private static void Stop(string why, string howToQuit)
    {
        lock (s_stopLock)
        {
            if (s_cts.IsCancellationRequested) return;
            Signal ??= why;
            try
            {
                Console.Error.WriteLine();
                Console.Error.WriteLine($"{why}: stopping and saving what can be saved ({howToQuit})...");
            }
            catch (IOException)
            {
            }
            s_cts.Cancel();
        }
    }
}
