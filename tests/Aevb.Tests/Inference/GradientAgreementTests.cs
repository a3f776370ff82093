using Aevb.Inference;

namespace Aevb.Tests.Inference;

public class GradientAgreementTests
{
    [Fact]
    public void DifferencesAndScalesArePerParameterGroup()
    {
        (float[] Encoder, float[] Decoder) a = ([1f, -2f], [0.5f, -3f, 1f]);
        (float[] Encoder, float[] Decoder) b = ([1.5f, -2f], [0.5f, -3f, 1f]);
        (float[] Encoder, float[] Decoder) score = ([-9f, 4f], [0.5f, -2.75f, 1f]);
        var agreement = GradientAgreement.Of(a, b, score);
        Assert.Equal(0, agreement.DecoderAVersusB);
        Assert.Equal(0.25, agreement.DecoderAVersusScore);
        Assert.Equal(0.25, agreement.DecoderDifference);
        Assert.Equal(3, agreement.LargestDecoder);        // A's
        Assert.Equal(0.5, agreement.EncoderAVersusB);
        Assert.Equal(10, agreement.EncoderAVersusScore);
        Assert.Equal(2, agreement.LargestEncoder);        // B's
        var table = agreement.ToTable();
        Assert.Equal(2, table.RowCount);
        Assert.Equal("decoder θ", table[0, 0]);
        Assert.Equal("0.25", table[0, 2]);
    }

    [Fact]
    public void DifferencesAreTakenInDoubleAndNeedEqualLengths()
    {
        // 1 + 2⁻²³ and 1 differ by one float32 step: the difference must not round to 0.
        Assert.Equal(Math.Pow(2, -23), GradientAgreement.MaxAbsDifference([1f + MathF.Pow(2, -23)], [1f]));
        Assert.Equal(0, GradientAgreement.MaxAbs([]));
        Assert.Throws<ArgumentException>(() => GradientAgreement.MaxAbsDifference([1f], [1f, 2f]));
    }
}
