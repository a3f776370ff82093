using System.Runtime.InteropServices;

namespace Aevb.Torch;

/// <summary>Loads LibTorch once, and turns a failure into an error that names the real cause and the fix.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> Failure = new(TryLoad);

    /// <summary>Throws <see cref="InvalidOperationException"/> with the cause and the fix if LibTorch cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (Failure.Value is { } e) throw new InvalidOperationException(Explain(e), e);
    }

    private static Exception? TryLoad()
    {
        try
        {
            using var probe = TorchSharp.torch.zeros(1);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException or BadImageFormatException)
        {
            return e;
        }
    }

    private static string Explain(Exception e)
    {
        var all = string.Join(" | ", Chain(e).Select(x => x.Message));
        var glibcxx = System.Text.RegularExpressions.Regex.Match(all, @"GLIBCXX_[0-9.]+[0-9]");
        if (glibcxx.Success || (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && NeedsWeakening()))
            return "LibTorch could not be loaded: TorchSharp's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (the libstdc++ of GCC 13), " +
                   "and this system's libstdc++ is older (Debian 12 has GLIBCXX_3.4.30). Nothing calls the one symbol that needs it. " +
                   "Fix: build through a project that imports src/Aevb.Torch/build/WeakenGlibcxx.targets (src/Aevb.Torch and its tests do), " +
                   "or run `python3 src/Aevb.Torch/tools/weaken-glibcxx.py DIR` on the folder that holds the loaded copy" +
                   $" ({AppContext.BaseDirectory}); it marks that version need weak in the copy only. Underlying error: {all}";
        return $"LibTorch could not be loaded ({all}). TorchSharp-cpu's natives (runtimes/<rid>/native) must sit beside TorchSharp.dll; " +
               "build src/Aevb.Torch (dotnet build -c Release) and load it from its bin/ folder.";
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    /// <summary>Whether the system's libstdc++ lacks GLIBCXX_3.4.32.</summary>
    private static bool NeedsWeakening()
    {
        foreach (var path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
        {
            if (!File.Exists(path)) continue;
            var bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().IndexOf("GLIBCXX_3.4.32"u8) < 0;
        }
        return false;
    }
}
