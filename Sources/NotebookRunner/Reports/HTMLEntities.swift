/// Character references (`&amp;`, `&#106;`, `&#x6A;`, `&colon;`) in HTML text and attribute values.
///
/// The sanitizer decodes them once, the way a browser does, so that it judges the value the browser
/// would see (`&#106;avascript:` is `javascript:`), and escapes everything again when it writes. A
/// reference this table does not know is left as it is: it then reaches the page as literal text
/// (`&amp;unknown;`), which can look odd but can never become markup.
enum HTMLEntities {
    /// Decodes numeric references (with or without the closing `;`, as browsers do) and the named
    /// references in `named` (only with their `;`).
    /// - Parameter text: text or an attribute value, as written in the markup.
    /// - Returns: the text with its references replaced; an invalid code point becomes U+FFFD.
    /// - Complexity: O(n) in the length of `text`.
    static func decode(_ text: some StringProtocol) -> String {
        guard text.contains("&") else { return String(text) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "&", let (decoded, length) = reference(in: scalars, at: i) else {
                out.append(scalars[i])
                i += 1
                continue
            }
            out.append(contentsOf: decoded)
            i += length
        }
        return String(out)
    }

    /// The reference that starts at `start` (an `&`): what it stands for and how many scalars it spans.
    private static func reference(
        in scalars: [Unicode.Scalar], at start: Int
    ) -> (String.UnicodeScalarView, Int)? {
        var i = start + 1
        guard i < scalars.count else { return nil }
        if scalars[i] == "#" {
            i += 1
            let hex = i < scalars.count && (scalars[i] == "x" || scalars[i] == "X")
            if hex { i += 1 }
            let radix: UInt32 = hex ? 16 : 10
            let digitsStart = i
            var value: UInt32 = 0
            while i < scalars.count, let digit = digitValue(scalars[i], radix: radix) {
                value = min(value &* radix &+ digit, 0x11_0000)  // saturate: anything above is invalid anyway
                i += 1
            }
            guard i > digitsStart else { return nil }
            if i < scalars.count, scalars[i] == ";" { i += 1 }
            return (String.UnicodeScalarView([codePoint(value)]), i - start)
        }
        var name = ""
        while i < scalars.count, isLetterOrDigit(scalars[i]), name.unicodeScalars.count < 32 {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard !name.isEmpty, i < scalars.count, scalars[i] == ";", let value = named[name] else { return nil }
        return (value.unicodeScalars, i + 1 - start)
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func digitValue(_ scalar: Unicode.Scalar, radix: UInt32) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f" where radix == 16: return scalar.value - 0x61 + 10
        case "A"..."F" where radix == 16: return scalar.value - 0x41 + 10
        default: return nil
        }
    }

    /// What a numeric reference stands for, with the HTML standard's replacements: NUL, surrogates and
    /// values beyond Unicode become U+FFFD; 0x80–0x9F are read as Windows-1252, as browsers do.
    private static func codePoint(_ value: UInt32) -> Unicode.Scalar {
        if (0x80...0x9F).contains(value), let mapped = windows1252[value] { return mapped }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return scalar
    }

    private static let windows1252: [UInt32: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}", 0x86: "\u{2020}",
        0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}", 0x8B: "\u{2039}", 0x8C: "\u{0152}",
        0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}",
        0x96: "\u{2013}", 0x97: "\u{2014}", 0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}",
        0x9C: "\u{0153}", 0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]

    /// The named references that notebooks' HTML and markdown use: markup characters, the ones that
    /// filter-evasion tricks use (`&colon;`, `&Tab;`, `&NewLine;`, `&lpar;`), typography, Greek letters and
    /// the common mathematical operators.
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
        "Tab": "\t", "NewLine": "\n", "colon": ":", "semi": ";", "comma": ",", "period": ".", "excl": "!",
        "quest": "?", "num": "#", "dollar": "$", "percnt": "%", "lpar": "(", "rpar": ")", "lsqb": "[",
        "rsqb": "]", "lbrack": "[", "rbrack": "]", "lcub": "{", "rcub": "}", "lbrace": "{", "rbrace": "}",
        "sol": "/", "bsol": "\\", "ast": "*", "plus": "+", "equals": "=", "lowbar": "_", "verbar": "|",
        "vert": "|", "grave": "`", "Hat": "^", "commat": "@", "tilde": "\u{02DC}",
        "copy": "\u{00A9}", "reg": "\u{00AE}", "trade": "\u{2122}", "deg": "\u{00B0}", "plusmn": "\u{00B1}",
        "micro": "\u{00B5}", "para": "\u{00B6}", "sect": "\u{00A7}", "middot": "\u{00B7}", "times": "\u{00D7}",
        "divide": "\u{00F7}", "laquo": "\u{00AB}", "raquo": "\u{00BB}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
        "ldquo": "\u{201C}", "rdquo": "\u{201D}", "hellip": "\u{2026}", "mdash": "\u{2014}", "ndash": "\u{2013}",
        "bull": "\u{2022}", "dagger": "\u{2020}", "Dagger": "\u{2021}", "prime": "\u{2032}", "Prime": "\u{2033}",
        "shy": "\u{00AD}", "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}", "zwnj": "\u{200C}",
        "zwj": "\u{200D}", "euro": "\u{20AC}", "pound": "\u{00A3}", "yen": "\u{00A5}", "cent": "\u{00A2}",
        "sup1": "\u{00B9}", "sup2": "\u{00B2}", "sup3": "\u{00B3}", "frac12": "\u{00BD}", "frac14": "\u{00BC}",
        "frac34": "\u{00BE}", "not": "\u{00AC}", "auml": "\u{00E4}", "ouml": "\u{00F6}", "uuml": "\u{00FC}",
        "Auml": "\u{00C4}", "Ouml": "\u{00D6}", "Uuml": "\u{00DC}", "szlig": "\u{00DF}", "eacute": "\u{00E9}",
        "egrave": "\u{00E8}", "aacute": "\u{00E1}", "agrave": "\u{00E0}", "ccedil": "\u{00E7}",
        "alpha": "\u{03B1}", "beta": "\u{03B2}", "gamma": "\u{03B3}", "delta": "\u{03B4}", "epsilon": "\u{03B5}",
        "zeta": "\u{03B6}", "eta": "\u{03B7}", "theta": "\u{03B8}", "iota": "\u{03B9}", "kappa": "\u{03BA}",
        "lambda": "\u{03BB}", "mu": "\u{03BC}", "nu": "\u{03BD}", "xi": "\u{03BE}", "omicron": "\u{03BF}",
        "pi": "\u{03C0}", "rho": "\u{03C1}", "sigma": "\u{03C3}", "tau": "\u{03C4}", "upsilon": "\u{03C5}",
        "phi": "\u{03C6}", "chi": "\u{03C7}", "psi": "\u{03C8}", "omega": "\u{03C9}", "Gamma": "\u{0393}",
        "Delta": "\u{0394}", "Theta": "\u{0398}", "Lambda": "\u{039B}", "Xi": "\u{039E}", "Pi": "\u{03A0}",
        "Sigma": "\u{03A3}", "Phi": "\u{03A6}", "Psi": "\u{03A8}", "Omega": "\u{03A9}",
        "le": "\u{2264}", "ge": "\u{2265}", "ne": "\u{2260}", "asymp": "\u{2248}", "equiv": "\u{2261}",
        "infin": "\u{221E}", "sum": "\u{2211}", "prod": "\u{220F}", "int": "\u{222B}", "radic": "\u{221A}",
        "part": "\u{2202}", "nabla": "\u{2207}", "isin": "\u{2208}", "notin": "\u{2209}", "sub": "\u{2282}",
        "sup": "\u{2283}", "cap": "\u{2229}", "cup": "\u{222A}", "forall": "\u{2200}", "exist": "\u{2203}",
        "empty": "\u{2205}", "and": "\u{2227}", "or": "\u{2228}", "minus": "\u{2212}", "lowast": "\u{2217}",
        "sdot": "\u{22C5}", "prop": "\u{221D}", "sim": "\u{223C}", "larr": "\u{2190}", "rarr": "\u{2192}",
        "uarr": "\u{2191}", "darr": "\u{2193}", "harr": "\u{2194}", "lArr": "\u{21D0}", "rArr": "\u{21D2}",
        "hArr": "\u{21D4}", "check": "\u{2713}", "cross": "\u{2717}",
    ]
}
