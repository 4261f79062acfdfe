from __future__ import annotations

from django import forms

from .models import User

MAX_TOKEN_LENGTH = 4096


class PersonalTokenForm(forms.Form):
    token = forms.CharField(
        label="Personal access token",
        max_length=MAX_TOKEN_LENGTH,
        strip=True,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=(
            "Paste the token Whatnot issued for your store. selvedge checks it "
            "with Whatnot before saving it, and stores it encrypted."
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if any(character.isspace() for character in token):
            raise forms.ValidationError(
                "The token contains spaces or line breaks. Copy it again as one "
                "piece, without the text around it.",
                code="whitespace",
            )
        for position, character in enumerate(token, start=1):
            if not (character.isascii() and character.isprintable()):
                # Often an invisible character picked up with a copy, such as
                # a zero-width space. HTTP headers cannot carry it anyway.
                raise forms.ValidationError(
                    "The token contains the character U+%(code)04X at position "
                    "%(position)s, which Whatnot tokens never contain. Copy it "
                    "again as one piece, or type it.",
                    code="invalid_character",
                    params={"code": ord(character), "position": position},
                )
        return token


class MarketResearchForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["include_in_market_research"]
        widgets = {
            "include_in_market_research": forms.CheckboxInput(attrs={"role": "switch"})
        }
