# User-agent classifier for the www edge service.
#
# Sets, on every request that reaches vcl_recv:
#   X-UA-Family  browser, app, tool or crawler name ("Other" when unknown)
#   X-UA-Major   major version when the UA carries one
#   X-UA-Minor   minor version when the UA carries one
#   X-UA-OS      operating system family, X-UA-OS-Major its major version
#   X-UA-Device  device class used for Vary and for the mobile templates
#
# Rules are evaluated top to bottom and the first match wins, so more specific
# tokens (Edge, Opera, Samsung Internet, in-app WebViews) come before the generic
# engines they embed (Chrome, Safari). Keep it that way when adding rules.
# The origin only ever sees these headers, never the raw User-Agent variants.

sub ua_classify {
  set req.http.X-UA-Family = "Other";
  set req.http.X-UA-OS = "Other";
  set req.http.X-UA-Device = "Other";
  unset req.http.X-UA-Major;
  unset req.http.X-UA-Minor;
  unset req.http.X-UA-OS-Major;

  if (!req.http.User-Agent || req.http.User-Agent == "" || req.http.User-Agent == "-") {
    set req.http.X-UA-Family = "Empty";
    return;
  }

  # ---- family and version: crawlers and previews, HTTP tools, in-app browsers, browsers
  if (req.http.User-Agent ~ "Googlebot-Image/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Googlebot-Image";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Googlebot-Video/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Googlebot-Video";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Googlebot-News") {
    set req.http.X-UA-Family = "Googlebot-News";
  } else if (req.http.User-Agent ~ "Google-InspectionTool/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Google-InspectionTool";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "GoogleOther(?:-Image|-Video)?(?:/(\d+)\.(\d+))?") {
    set req.http.X-UA-Family = "GoogleOther";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Storebot-Google/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Storebot-Google";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Googlebot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Googlebot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AdsBot-Google-Mobile") {
    set req.http.X-UA-Family = "AdsBot-Google-Mobile";
  } else if (req.http.User-Agent ~ "AdsBot-Google(?:-Mobile-Apps)?(?:/(\d+)\.(\d+))?") {
    set req.http.X-UA-Family = "AdsBot-Google";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Mediapartners-Google(?:/(\d+)\.(\d+))?") {
    set req.http.X-UA-Family = "Mediapartners-Google";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "APIs-Google") {
    set req.http.X-UA-Family = "APIs-Google";
  } else if (req.http.User-Agent ~ "FeedFetcher-Google") {
    set req.http.X-UA-Family = "FeedFetcher-Google";
  } else if (req.http.User-Agent ~ "Google-Read-Aloud") {
    set req.http.X-UA-Family = "Google-Read-Aloud";
  } else if (req.http.User-Agent ~ "Google-Site-Verification/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Google-Site-Verification";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Google Favicon") {
    set req.http.X-UA-Family = "Google Favicon";
  } else if (req.http.User-Agent ~ "BingPreview/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "BingPreview";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "bingbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "bingbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "msnbot(?:-media)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "msnbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "adidxbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "adidxbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Yahoo! Slurp") {
    set req.http.X-UA-Family = "Yahoo! Slurp";
  } else if (req.http.User-Agent ~ "DuckAssistBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "DuckAssistBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "DuckDuckBot(?:-Https)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "DuckDuckBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Baiduspider(?:-image|-video|-news|-render)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Baiduspider";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YandexImages/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "YandexImages";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YandexMobileBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "YandexMobileBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YandexBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "YandexBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(YandexMetrika|YandexDirect|YandexFavicons|YandexWebmaster)/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = re.group.1;
    set req.http.X-UA-Major = re.group.2;
    set req.http.X-UA-Minor = re.group.3;
  } else if (req.http.User-Agent ~ "Sogou web spider/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Sogou web spider";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "360Spider") {
    set req.http.X-UA-Family = "360Spider";
  } else if (req.http.User-Agent ~ "Bytespider") {
    set req.http.X-UA-Family = "Bytespider";
  } else if (req.http.User-Agent ~ "PetalBot") {
    set req.http.X-UA-Family = "PetalBot";
  } else if (req.http.User-Agent ~ "Applebot-Extended/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Applebot-Extended";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Applebot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Applebot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "facebookexternalhit/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "facebookexternalhit";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "meta-external(?:agent|fetcher)/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "meta-externalagent";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Facebot") {
    set req.http.X-UA-Family = "Facebot";
  } else if (req.http.User-Agent ~ "Twitterbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Twitterbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "LinkedInBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "LinkedInBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Pinterest(?:bot)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Pinterestbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Slack-ImgProxy") {
    set req.http.X-UA-Family = "Slack-ImgProxy";
  } else if (req.http.User-Agent ~ "Slackbot(?:-LinkExpanding)? (\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Slackbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Discordbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Discordbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "TelegramBot \(like TwitterBot\)") {
    set req.http.X-UA-Family = "TelegramBot";
  } else if (req.http.User-Agent ~ "WhatsApp/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "WhatsApp";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "SkypeUriPreview Preview/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "SkypeUriPreview";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "redditbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "redditbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Embedly/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Embedly";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Iframely/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Iframely";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Quora Link Preview/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Quora Link Preview";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Mastodon/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Mastodon";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Bluesky Cardyb/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Bluesky Cardyb";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AhrefsSiteAudit/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "AhrefsSiteAudit";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AhrefsBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "AhrefsBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "SemrushBot(?:-BA|-SI|-SWA|-CT)?/(\d+)") {
    set req.http.X-UA-Family = "SemrushBot";
    set req.http.X-UA-Major = re.group.1;
  } else if (req.http.User-Agent ~ "SiteAuditBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "SiteAuditBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "MJ12bot/v(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "MJ12bot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "DotBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "DotBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "rogerbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "rogerbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Screaming Frog SEO Spider/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Screaming Frog SEO Spider";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "serpstatbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "serpstatbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "BLEXBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "BLEXBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "DataForSeoBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "DataForSeoBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Barkrowler/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Barkrowler";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "MegaIndex\.ru/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "MegaIndex";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OAI-SearchBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "OAI-SearchBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "ChatGPT-User/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "ChatGPT-User";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "GPTBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "GPTBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Claude-User/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Claude-User";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "ClaudeBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "ClaudeBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "anthropic-ai") {
    set req.http.X-UA-Family = "anthropic-ai";
  } else if (req.http.User-Agent ~ "Perplexity-User/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Perplexity-User";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "PerplexityBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "PerplexityBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "CCBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "CCBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Amazonbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Amazonbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "cohere-(?:ai|training-data-crawler)") {
    set req.http.X-UA-Family = "cohere-ai";
  } else if (req.http.User-Agent ~ "YouBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "YouBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Diffbot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Diffbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "ia_archiver") {
    set req.http.X-UA-Family = "ia_archiver";
  } else if (req.http.User-Agent ~ "archive\.org_bot") {
    set req.http.X-UA-Family = "archive.org_bot";
  } else if (req.http.User-Agent ~ "Exabot(?:-Thumbnails|-Images)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Exabot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "SeznamBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "SeznamBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Qwantify/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Qwantify";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "coccocbot-(?:web|image)/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "coccocbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "MojeekBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "MojeekBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?i)nutch-(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Nutch";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\bYeti/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Yeti";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\bDaum(?:oa)?[ /](\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Daum";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Mail\.RU_Bot(?:/[A-Za-z]+)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Mail.RU_Bot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YisouSpider") {
    set req.http.X-UA-Family = "Yisouspider";
  } else if (req.http.User-Agent ~ "SeekportBot") {
    set req.http.X-UA-Family = "SeekportBot";
  } else if (req.http.User-Agent ~ "Linespider/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Linespider";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "ZoominfoBot") {
    set req.http.X-UA-Family = "ZoominfoBot";
  } else if (req.http.User-Agent ~ "trendictionbot(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "trendictionbot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "ImagesiftBot") {
    set req.http.X-UA-Family = "ImagesiftBot";
  } else if (req.http.User-Agent ~ "Timpibot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Timpibot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "ICC-Crawler/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "ICC-Crawler";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "FacebookBot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "FacebookBot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AppleNewsBot") {
    set req.http.X-UA-Family = "AppleNewsBot";
  } else if (req.http.User-Agent ~ "Feedspot(?:-Lite)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Feedspot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "vkShare; \+http://vk\.com/dev/Share") {
    set req.http.X-UA-Family = "vkShare";
  } else if (req.http.User-Agent ~ "\bViber/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Viber";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "CensysInspect/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "CensysInspect";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\bzgrab/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "zgrab";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "masscan(?:-ng)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "masscan";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Nmap Scripting Engine") {
    set req.http.X-UA-Family = "Nmap";
  } else if (req.http.User-Agent ~ "sqlmap/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "sqlmap";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\(Nikto/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Nikto";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "WPScan v(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "WPScan";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?i)projectdiscovery|nuclei - open-source project") {
    set req.http.X-UA-Family = "Nuclei";
  } else if (req.http.User-Agent ~ "UptimeRobot/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "UptimeRobot";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Pingdom\.com_bot_version_(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Pingdom";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "StatusCake") {
    set req.http.X-UA-Family = "StatusCake";
  } else if (req.http.User-Agent ~ "Site24x7") {
    set req.http.X-UA-Family = "Site24x7";
  } else if (req.http.User-Agent ~ "DatadogSynthetics") {
    set req.http.X-UA-Family = "Datadog Synthetics";
  } else if (req.http.User-Agent ~ "NewRelicPinger/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "NewRelicPinger";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "GTmetrix") {
    set req.http.X-UA-Family = "GTmetrix";
  } else if (req.http.User-Agent ~ "Chrome-Lighthouse") {
    set req.http.X-UA-Family = "Chrome-Lighthouse";
  } else if (req.http.User-Agent ~ "Google Page Speed Insights") {
    set req.http.X-UA-Family = "PageSpeed Insights";
  } else if (req.http.User-Agent ~ "W3C_Validator/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "W3C_Validator";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "W3C-checklink/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "W3C-checklink";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Feedly(?:Bot|App)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Feedly";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Feedbin feed-id:(\d+)") {
    set req.http.X-UA-Family = "Feedbin";
  } else if (req.http.User-Agent ~ "NewsBlur (?:Feed Fetcher|Page Fetcher|Favicon Fetcher)") {
    set req.http.X-UA-Family = "NewsBlur";
  } else if (req.http.User-Agent ~ "Inoreader/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Inoreader";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "FeedBurner/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "FeedBurner";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Scrapy/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Scrapy";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "python-requests/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "python-requests";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Python-urllib/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Python-urllib";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Python/\d+\.\d+ aiohttp/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "aiohttp";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "python-httpx/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "python-httpx";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Go-http-client/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Go-http-client";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^curl/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "curl";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^Wget/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Wget";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "libwww-perl/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "libwww-perl";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "okhttp/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "okhttp";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Apache-HttpClient/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Apache-HttpClient";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^Java/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Java";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^axios/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "axios";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "node-fetch(?:/(\d+)\.(\d+))?") {
    set req.http.X-UA-Family = "node-fetch";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "got \(https://github\.com/sindresorhus/got\)") {
    set req.http.X-UA-Family = "got";
  } else if (req.http.User-Agent ~ "PostmanRuntime/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "PostmanRuntime";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^insomnia/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "insomnia";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "HTTPie/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "HTTPie";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "GuzzleHttp/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Guzzle";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^Faraday v(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Faraday";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "^Ruby$") {
    set req.http.X-UA-Family = "Ruby";
  } else if (req.http.User-Agent ~ "^Dart/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Dart";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "CFNetwork/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "CFNetwork";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "HeadlessChrome/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "HeadlessChrome";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "PhantomJS/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "PhantomJS";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Electron/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Electron";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "FBAV/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Facebook";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\[FB[_;]?AN/FB(?:IOS|4A|_IAB)") {
    set req.http.X-UA-Family = "Facebook";
  } else if (req.http.User-Agent ~ "Instagram (\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Instagram";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\[FBAN/MessengerForiOS") {
    set req.http.X-UA-Family = "Messenger";
  } else if (req.http.User-Agent ~ "\bLine/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Line";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "MicroMessenger/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "WeChat";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "wxwork/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "WeCom";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "KAKAOTALK (\d+)") {
    set req.http.X-UA-Family = "KakaoTalk";
    set req.http.X-UA-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Snapchat/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Snapchat";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?:musical_ly|trill)_(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "TikTok";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "BytedanceWebview/") {
    set req.http.X-UA-Family = "TikTok";
  } else if (req.http.User-Agent ~ "\[Pinterest/(?:iOS|Android)\]") {
    set req.http.X-UA-Family = "Pinterest App";
  } else if (req.http.User-Agent ~ "TwitterAndroid|Twitter for iPhone") {
    set req.http.X-UA-Family = "Twitter App";
  } else if (req.http.User-Agent ~ "LinkedInApp(?:/(\d+)\.(\d+))?") {
    set req.http.X-UA-Family = "LinkedIn App";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Outlook-(?:iOS|Android)/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Outlook";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Spotify/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Spotify";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Valve Steam (?:Client|GameOverlay|Tenfoot)") {
    set req.http.X-UA-Family = "Steam";
  } else if (req.http.User-Agent ~ "\bGSA/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Google App";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YaApp_(?:iOS|Android)/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Yandex Search App";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "NAVER\(inapp; search; (\d+)") {
    set req.http.X-UA-Family = "Naver";
    set req.http.X-UA-Major = re.group.1;
  } else if (req.http.User-Agent ~ "baiduboxapp/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Baidu App";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "DingTalk/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "DingTalk";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AlipayClient/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Alipay";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "EdgA/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Edge Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "EdgiOS/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Edge Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Edg/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Edge";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Edge/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Edge";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OPRGX/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera GX";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OPR/(\d+)\.(\d+).*Mobile") {
    set req.http.X-UA-Family = "Opera Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OPR/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OPT/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera Touch";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OPiOS/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera Mini";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Opera Mini/(?:att/)?(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera Mini";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Opera Mobi/.*Version/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Opera/9\.80.*Version/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Opera[ /](\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Opera";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Vivaldi/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Vivaldi";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YaBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Yandex Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "YaBrowser/\d+\.\d+.*\bLite/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Yandex Browser Lite";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "SamsungBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Samsung Internet";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "UCBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "UC Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "UCWEB/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "UC Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?i)ucweb.*ucmini/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "UC Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "MQQBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "QQ Browser Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "QQBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "QQ Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?:BIDUBrowser|baidubrowser)[ /](\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Baidu Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "SE 2\.X MetaSr (\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Sogou Explorer";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "QihooBrowser(?:HD)?/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "360 Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\b360SE\b") {
    set req.http.X-UA-Family = "360 Browser";
  } else if (req.http.User-Agent ~ "(?i)maxthon[ /](\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Maxthon";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Silk/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Silk";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Puffin/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Puffin";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Whale/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Whale";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "\bDdg/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "DuckDuckGo Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "DuckDuckGo/(\d+)") {
    set req.http.X-UA-Family = "DuckDuckGo Mobile";
    set req.http.X-UA-Major = re.group.1;
  } else if (req.http.User-Agent ~ "coc_coc_browser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Coc Coc";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Avast/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Avast Secure Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AVG/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "AVG Secure Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "XiaoMi/MiuiBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Mi Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "HuaweiBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Huawei Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "HeyTapBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "HeyTap Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "VivoBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Vivo Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Quark/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Quark";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "PHX/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Phoenix";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "OculusBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Oculus Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Kindle/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Silk";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Focus/(\d+)\.(\d+).*Firefox") {
    set req.http.X-UA-Family = "Firefox Focus";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Klar/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Firefox Klar";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "FxiOS/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Firefox iOS";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "CriOS/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Chrome iOS";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "; wv\).*Chrome/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Chrome Mobile WebView";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Version/\d+\.\d+ Chrome/(\d+)\.(\d+).*Mobile") {
    set req.http.X-UA-Family = "Chrome Mobile WebView";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Chromium/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Chromium";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Chrome/(\d+)\.(\d+)[\d.]* Mobile") {
    set req.http.X-UA-Family = "Chrome Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Chrome/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Chrome";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Waterfox/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Waterfox";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "PaleMoon/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Pale Moon";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "SeaMonkey/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "SeaMonkey";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Thunderbird/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Thunderbird";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "LibreWolf/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "LibreWolf";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "IceCat/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "IceCat";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Iceweasel/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Iceweasel";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Mobile;.*Firefox/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Firefox Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Tablet;.*Firefox/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Firefox Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Firefox/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Firefox";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Konqueror/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Konqueror";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Epiphany/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Epiphany";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Midori/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Midori";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Falkon/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Falkon";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "QtWebEngine/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "QtWebEngine";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "IEMobile[ /](\d+)\.(\d+)") {
    set req.http.X-UA-Family = "IE Mobile";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "MSIE (\d+)\.(\d+)") {
    set req.http.X-UA-Family = "IE";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Trident/7\.0;.*rv:(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "IE";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "NintendoBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Nintendo Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "NetFront/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "NetFront";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "PlayStation (?:4|5) (\d+)\.(\d+)") {
    set req.http.X-UA-Family = "PlayStation Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "BB10;.*Version/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "BlackBerry WebKit";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "BlackBerry\d+/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "BlackBerry WebKit";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "NokiaBrowser/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Nokia Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Dolphin(?:HDCN)?/(?:INT-)?(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "Dolphin";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "KAIOS/(\d+)\.(\d+)") {
    set req.http.X-UA-Family = "KaiOS Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?:iPhone|iPad|iPod).*AppleWebKit(?!.*Safari)") {
    set req.http.X-UA-Family = "Mobile Safari UI/WKWebView";
  } else if (req.http.User-Agent ~ "Version/(\d+)\.(\d+).*Mobile/\S+ Safari") {
    set req.http.X-UA-Family = "Mobile Safari";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "(?:iPhone|iPad|iPod).*OS (\d+)_(\d+).*Safari") {
    set req.http.X-UA-Family = "Mobile Safari";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Version/(\d+)\.(\d+)(?:\.\d+)? Safari/") {
    set req.http.X-UA-Family = "Safari";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "Android (\d+)\.(\d+).*Version/\d+\.\d+ Mobile Safari") {
    set req.http.X-UA-Family = "Android Browser";
    set req.http.X-UA-Major = re.group.1;
    set req.http.X-UA-Minor = re.group.2;
  } else if (req.http.User-Agent ~ "AppleWebKit/\d+.*\(KHTML, like Gecko\)$") {
    set req.http.X-UA-Family = "WebKit Nightly";
  }

  # ---- operating system
  if (req.http.User-Agent ~ "(?:iPhone|iPad|iPod).*? OS (\d+)_(\d+)") {
    set req.http.X-UA-OS = "iOS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "iPad; CPU OS (\d+)_(\d+)") {
    set req.http.X-UA-OS = "iPadOS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Watch OS (\d+)[._](\d+)") {
    set req.http.X-UA-OS = "watchOS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "AppleTV.*? tvOS (\d+)\.(\d+)") {
    set req.http.X-UA-OS = "tvOS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Mac OS X (\d+)[_.](\d+)") {
    set req.http.X-UA-OS = "macOS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Android[ -](\d+)\.(\d+)") {
    set req.http.X-UA-OS = "Android";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Android (\d+)[;)]") {
    set req.http.X-UA-OS = "Android";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "HarmonyOS[ /](\d+)\.(\d+)") {
    set req.http.X-UA-OS = "HarmonyOS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Windows Phone(?: OS)? (\d+)\.(\d+)") {
    set req.http.X-UA-OS = "Windows Phone";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Windows NT 10\.0") {
    set req.http.X-UA-OS = "Windows";
  } else if (req.http.User-Agent ~ "Windows NT 6\.3") {
    set req.http.X-UA-OS = "Windows 8.1";
  } else if (req.http.User-Agent ~ "Windows NT 6\.2") {
    set req.http.X-UA-OS = "Windows 8";
  } else if (req.http.User-Agent ~ "Windows NT 6\.1") {
    set req.http.X-UA-OS = "Windows 7";
  } else if (req.http.User-Agent ~ "Windows NT 6\.0") {
    set req.http.X-UA-OS = "Windows Vista";
  } else if (req.http.User-Agent ~ "Windows NT 5\.[12]") {
    set req.http.X-UA-OS = "Windows XP";
  } else if (req.http.User-Agent ~ "CrOS [a-z0-9_]+ (\d+)\.(\d+)") {
    set req.http.X-UA-OS = "Chrome OS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Fuchsia") {
    set req.http.X-UA-OS = "Fuchsia";
  } else if (req.http.User-Agent ~ "Tizen[ /](\d+)\.(\d+)") {
    set req.http.X-UA-OS = "Tizen";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "(?:Web0S|webOS)(?:; Linux/SmartTV)?") {
    set req.http.X-UA-OS = "webOS";
  } else if (req.http.User-Agent ~ "KAIOS") {
    set req.http.X-UA-OS = "KaiOS";
  } else if (req.http.User-Agent ~ "BlackBerry ?\d{4}/(\d+)\.(\d+)\.\d+") {
    set req.http.X-UA-OS = "BlackBerry OS";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "\bBB10\b") {
    set req.http.X-UA-OS = "BlackBerry 10";
  } else if (req.http.User-Agent ~ "Ubuntu(?:/(\d+)\.(\d+))?") {
    set req.http.X-UA-OS = "Ubuntu";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Fedora(?:/[\d.-]+\.fc(\d+))?") {
    set req.http.X-UA-OS = "Fedora";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Debian") {
    set req.http.X-UA-OS = "Debian";
  } else if (req.http.User-Agent ~ "FreeBSD") {
    set req.http.X-UA-OS = "FreeBSD";
  } else if (req.http.User-Agent ~ "OpenBSD") {
    set req.http.X-UA-OS = "OpenBSD";
  } else if (req.http.User-Agent ~ "X11;.*Linux") {
    set req.http.X-UA-OS = "Linux";
  } else if (req.http.User-Agent ~ "PlayStation (\d+)") {
    set req.http.X-UA-OS = "PlayStation";
    set req.http.X-UA-OS-Major = re.group.1;
  } else if (req.http.User-Agent ~ "Nintendo Switch") {
    set req.http.X-UA-OS = "Nintendo Switch";
  } else if (req.http.User-Agent ~ "Xbox(?: One| Series [SX])?") {
    set req.http.X-UA-OS = "Xbox";
  }

  # ---- device class
  if (req.http.User-Agent ~ "(?i)(?:bot|crawl|spider|slurp|fetcher|scanner|archiver)\b") {
    set req.http.X-UA-Device = "Spider";
  } else if (req.http.User-Agent ~ "(?i)^(?:curl|wget|python-|go-http-client|java/|okhttp|libwww-perl|apache-httpclient|axios|node-fetch)") {
    set req.http.X-UA-Device = "Spider";
  } else if (req.http.User-Agent ~ "(?i)headlesschrome|phantomjs|lighthouse|pagespeed|gtmetrix") {
    set req.http.X-UA-Device = "Spider";
  } else if (req.http.User-Agent ~ "Watch OS \d|\bWatch\d,\d") {
    set req.http.X-UA-Device = "Apple Watch";
  } else if (req.http.User-Agent ~ "AppleTV\d*,\d|\bAppleTV\b") {
    set req.http.X-UA-Device = "Apple TV";
  } else if (req.http.User-Agent ~ "\biPad(?:\d+,\d+)?\b") {
    set req.http.X-UA-Device = "iPad";
  } else if (req.http.User-Agent ~ "\biPod(?: touch)?\b") {
    set req.http.X-UA-Device = "iPod";
  } else if (req.http.User-Agent ~ "\biPhone(?:\d+,\d+)?\b") {
    set req.http.X-UA-Device = "iPhone";
  } else if (req.http.User-Agent ~ "Quest(?: Pro| \d)?\b.*OculusBrowser") {
    set req.http.X-UA-Device = "Meta Quest";
  } else if (req.http.User-Agent ~ "OculusBrowser|Oculus(?:Go|Quest)") {
    set req.http.X-UA-Device = "Oculus";
  } else if (req.http.User-Agent ~ "PlayStation 5") {
    set req.http.X-UA-Device = "PlayStation 5";
  } else if (req.http.User-Agent ~ "PlayStation 4") {
    set req.http.X-UA-Device = "PlayStation 4";
  } else if (req.http.User-Agent ~ "PlayStation Vita") {
    set req.http.X-UA-Device = "PlayStation Vita";
  } else if (req.http.User-Agent ~ "\bNintendo Switch\b") {
    set req.http.X-UA-Device = "Nintendo Switch";
  } else if (req.http.User-Agent ~ "Nintendo 3DS") {
    set req.http.X-UA-Device = "Nintendo 3DS";
  } else if (req.http.User-Agent ~ "Xbox Series [SX]") {
    set req.http.X-UA-Device = "Xbox Series";
  } else if (req.http.User-Agent ~ "Xbox One") {
    set req.http.X-UA-Device = "Xbox One";
  } else if (req.http.User-Agent ~ "\bXbox\b") {
    set req.http.X-UA-Device = "Xbox";
  } else if (req.http.User-Agent ~ "\bCrKey/\d") {
    set req.http.X-UA-Device = "Chromecast";
  } else if (req.http.User-Agent ~ "\bAFT[A-Z0-9]{1,5}\b") {
    set req.http.X-UA-Device = "Fire TV";
  } else if (req.http.User-Agent ~ "\bRoku(?:/DVP-\d|4640X|\d{4}[A-Z]{1,2})") {
    set req.http.X-UA-Device = "Roku";
  } else if (req.http.User-Agent ~ "(?i)SMART-TV; (?:Linux; )?Tizen") {
    set req.http.X-UA-Device = "Samsung Smart TV";
  } else if (req.http.User-Agent ~ "Web0S; Linux/SmartTV|NetCast") {
    set req.http.X-UA-Device = "LG Smart TV";
  } else if (req.http.User-Agent ~ "BRAVIA\b") {
    set req.http.X-UA-Device = "Sony Bravia";
  } else if (req.http.User-Agent ~ "Android TV|\bAFTMM\b|; TV\)|GoogleTV") {
    set req.http.X-UA-Device = "Android TV";
  } else if (req.http.User-Agent ~ "HbbTV/\d+\.\d+\.\d+") {
    set req.http.X-UA-Device = "HbbTV";
  } else if (req.http.User-Agent ~ "\bVIZIO\b") {
    set req.http.X-UA-Device = "Vizio TV";
  } else if (req.http.User-Agent ~ "Hisense|VIDAA") {
    set req.http.X-UA-Device = "Hisense TV";
  } else if (req.http.User-Agent ~ "\bKF(?:OT|TT|JWI|JWA|SOWI|THWI|THWA|APWI|APWA|ARWI|ASWI|SAWI|SAWA|MEWI|FOWI|GIWI|SUWI|KAWI|DOWI|ONWI|MUWI|MAWI|TRWI|RAWI|QUWI|TUWI|SNWI|WI)\b") {
    set req.http.X-UA-Device = "Kindle Fire";
  } else if (req.http.User-Agent ~ "Kindle/\d") {
    set req.http.X-UA-Device = "Kindle";
  } else if (req.http.User-Agent ~ "\bSM-[TPX]\d{3}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy Tab";
  } else if (req.http.User-Agent ~ "\bSM-F9\d{2}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy Fold";
  } else if (req.http.User-Agent ~ "\bSM-F7\d{2}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy Flip";
  } else if (req.http.User-Agent ~ "\bSM-[GS]9\d{2}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy S";
  } else if (req.http.User-Agent ~ "\bSM-N9\d{2}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy Note";
  } else if (req.http.User-Agent ~ "\bSM-A\d{3}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy A";
  } else if (req.http.User-Agent ~ "\bSM-M\d{3}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy M";
  } else if (req.http.User-Agent ~ "\bSM-[A-Z]\d{3,4}[A-Z0-9]*\b") {
    set req.http.X-UA-Device = "Samsung Galaxy";
  } else if (req.http.User-Agent ~ "\bGT-[INPS]\d{4}[A-Z]?\b") {
    set req.http.X-UA-Device = "Samsung Galaxy";
  } else if (req.http.User-Agent ~ "(?i)\bsamsung\b") {
    set req.http.X-UA-Device = "Samsung";
  } else if (req.http.User-Agent ~ "Pixel Tablet") {
    set req.http.X-UA-Device = "Google Pixel Tablet";
  } else if (req.http.User-Agent ~ "Pixel Fold") {
    set req.http.X-UA-Device = "Google Pixel Fold";
  } else if (req.http.User-Agent ~ "\bPixel \d+[a ]?(?:Pro|XL| XL)?\b") {
    set req.http.X-UA-Device = "Google Pixel";
  } else if (req.http.User-Agent ~ "\bPixel(?: C| XL)?\b") {
    set req.http.X-UA-Device = "Google Pixel";
  } else if (req.http.User-Agent ~ "\bNexus (?:\d+|One|S|Player)\b") {
    set req.http.X-UA-Device = "Google Nexus";
  } else if (req.http.User-Agent ~ "\b(?:BAH\d?|AGS\d?|DBY|KRJ|SCMR)-[AW]\d{2}\b") {
    set req.http.X-UA-Device = "Huawei MatePad";
  } else if (req.http.User-Agent ~ "\b(?:ELE|VOG|ANA|NOH|LIO|MAR|JNY|YAL|CLT|EML|LYA|HMA|POT|STK|JKM)-(?:L|AN|NX|TL|AL)\d{2}[A-Z]?\b") {
    set req.http.X-UA-Device = "Huawei";
  } else if (req.http.User-Agent ~ "(?i)\bhuawei\b") {
    set req.http.X-UA-Device = "Huawei";
  } else if (req.http.User-Agent ~ "\b(?:HONOR|HRY|BMH|NTH|REA|ANY|RMO|CMA|ALI)-[A-Z]{1,2}\d{2}\b") {
    set req.http.X-UA-Device = "Honor";
  } else if (req.http.User-Agent ~ "\b(?:Mi Pad|MiPad|Xiaomi Pad|21051182G|22081281AC|23043RP34G)\b") {
    set req.http.X-UA-Device = "Xiaomi Pad";
  } else if (req.http.User-Agent ~ "\bRedmi(?: Note)? \d+[A-Z]?(?: Pro| Plus| 5G)?\b") {
    set req.http.X-UA-Device = "Xiaomi Redmi";
  } else if (req.http.User-Agent ~ "\bPOCO (?:F|X|M|C)\d\b|\bPOCOPHONE F1\b") {
    set req.http.X-UA-Device = "Xiaomi POCO";
  } else if (req.http.User-Agent ~ "\bMi (?:\d+|A\d|Note \d+|MIX \d)[A-Z ]*(?:Pro|Lite|Ultra)?\b") {
    set req.http.X-UA-Device = "Xiaomi";
  } else if (req.http.User-Agent ~ "\b(?:M2\d{3}[A-Z0-9]{3,4}|2\d{3}[A-Z0-9]{4,6}[A-Z]{1,2})\b") {
    set req.http.X-UA-Device = "Xiaomi";
  } else if (req.http.User-Agent ~ "(?i)\bxiaomi\b") {
    set req.http.X-UA-Device = "Xiaomi";
  } else if (req.http.User-Agent ~ "\bONEPLUS A\d{4}\b|\b(?:GM|HD|IN|KB|LE|NE|PJ|CPH)\d{4}\b.*OnePlus|\bOnePlus\b") {
    set req.http.X-UA-Device = "OnePlus";
  } else if (req.http.User-Agent ~ "\b(?:GM19|HD19|IN20|KB20|LE21|NE22|PHB1)\d{2}\b") {
    set req.http.X-UA-Device = "OnePlus";
  } else if (req.http.User-Agent ~ "\bCPH\d{4}\b") {
    set req.http.X-UA-Device = "OPPO";
  } else if (req.http.User-Agent ~ "\bOPPO [A-Z]\d+[a-z]?\b|\bPD[A-Z]{2}\d{2}\b") {
    set req.http.X-UA-Device = "OPPO";
  } else if (req.http.User-Agent ~ "\bRMX\d{4}\b") {
    set req.http.X-UA-Device = "realme";
  } else if (req.http.User-Agent ~ "\bvivo (?:\d{4}|[XYSTV]\d+[a-z]?)\b|\bV\d{4}[A-Z]?\b") {
    set req.http.X-UA-Device = "vivo";
  } else if (req.http.User-Agent ~ "\bmoto(?:rola)? (?:g|e|z|x|edge)(?:\d+| stylus| power| play| plus)*\b") {
    set req.http.X-UA-Device = "Motorola";
  } else if (req.http.User-Agent ~ "\bXT\d{4}-\d\b") {
    set req.http.X-UA-Device = "Motorola";
  } else if (req.http.User-Agent ~ "\bLM-[A-Z]\d{3}[A-Z]{0,3}\b") {
    set req.http.X-UA-Device = "LG";
  } else if (req.http.User-Agent ~ "\bLG-[A-Z]{1,2}\d{3}[A-Z]?\b|\bLGMS\d{3}\b") {
    set req.http.X-UA-Device = "LG";
  } else if (req.http.User-Agent ~ "\bXperia\b|\b(?:SO|SOV|SOG)-?\d{2}[A-Z]?\b") {
    set req.http.X-UA-Device = "Sony Xperia";
  } else if (req.http.User-Agent ~ "\b(?:G8\d{3}|H\d{4}|I\d{4}|J\d{4}|XQ-[A-Z]{2}\d{2})\b") {
    set req.http.X-UA-Device = "Sony Xperia";
  } else if (req.http.User-Agent ~ "\bNokia ?(?:\d+(?:\.\d)?|[CGTX]\d+)\b") {
    set req.http.X-UA-Device = "Nokia";
  } else if (req.http.User-Agent ~ "\bTA-\d{4}\b") {
    set req.http.X-UA-Device = "Nokia";
  } else if (req.http.User-Agent ~ "\bHTC[ _](?:One|Desire|U\d+|[A-Z]\d{3})|\bHTC\b") {
    set req.http.X-UA-Device = "HTC";
  } else if (req.http.User-Agent ~ "\bASUS_[A-Z0-9]{4,6}\b|\bZenFone\b|\bROG Phone\b") {
    set req.http.X-UA-Device = "Asus";
  } else if (req.http.User-Agent ~ "\bLenovo TB-?[A-Z0-9]{4,8}\b|\bLenovo Tab\b") {
    set req.http.X-UA-Device = "Lenovo Tab";
  } else if (req.http.User-Agent ~ "(?i)\blenovo\b") {
    set req.http.X-UA-Device = "Lenovo";
  } else if (req.http.User-Agent ~ "Surface Duo") {
    set req.http.X-UA-Device = "Microsoft Surface Duo";
  } else if (req.http.User-Agent ~ "\bLumia \d{3,4}\b") {
    set req.http.X-UA-Device = "Microsoft Lumia";
  } else if (req.http.User-Agent ~ "\bZTE[ -][A-Z0-9]+\b|\bZ\d{4}[A-Z]?\b") {
    set req.http.X-UA-Device = "ZTE";
  } else if (req.http.User-Agent ~ "\bTCL [A-Z0-9]+\b|\bT\d{3}[A-Z]{1,2}\b.*TCL") {
    set req.http.X-UA-Device = "TCL";
  } else if (req.http.User-Agent ~ "\bAlcatel\b|\b(?:5|9)\d{3}[A-Z]{1,2}\b.*Android") {
    set req.http.X-UA-Device = "Alcatel";
  } else if (req.http.User-Agent ~ "\bTECNO [A-Z]{1,2}\d{1,2}[A-Z]?\b") {
    set req.http.X-UA-Device = "Tecno";
  } else if (req.http.User-Agent ~ "\bInfinix X\d{3,4}[A-Z]?\b") {
    set req.http.X-UA-Device = "Infinix";
  } else if (req.http.User-Agent ~ "\bitel [A-Z]\d{3,4}\b") {
    set req.http.X-UA-Device = "itel";
  } else if (req.http.User-Agent ~ "\bFP[345]\b") {
    set req.http.X-UA-Device = "Fairphone";
  } else if (req.http.User-Agent ~ "\bA0(?:63|65|42)\b|Nothing Phone") {
    set req.http.X-UA-Device = "Nothing Phone";
  } else if (req.http.User-Agent ~ "\bBB10\b|\bBlackBerry\d+\b|\bBBF\d{3}-\d\b") {
    set req.http.X-UA-Device = "BlackBerry";
  } else if (req.http.User-Agent ~ "KAIOS/\d") {
    set req.http.X-UA-Device = "KaiOS Phone";
  } else if (req.http.User-Agent ~ "(?i)\b(?:j2me|midp|cldc|symbianos|series(?:40|60))\b") {
    set req.http.X-UA-Device = "Feature Phone";
  } else if (req.http.User-Agent ~ "Android(?!.*Mobile)|\b(?i:tablet)\b") {
    set req.http.X-UA-Device = "Generic Tablet";
  } else if (req.http.User-Agent ~ "Android.*Mobile|Mobile Safari|\bMobi\b") {
    set req.http.X-UA-Device = "Generic Smartphone";
  } else if (req.http.User-Agent ~ "Macintosh; Intel Mac OS X") {
    set req.http.X-UA-Device = "Mac";
  } else if (req.http.User-Agent ~ "\bCrOS\b") {
    set req.http.X-UA-Device = "Chromebook";
  } else if (req.http.User-Agent ~ "Windows NT \d+\.\d+") {
    set req.http.X-UA-Device = "Windows PC";
  } else if (req.http.User-Agent ~ "X11; (?:Ubuntu; )?Linux (?:x86_64|i686|aarch64)") {
    set req.http.X-UA-Device = "Linux PC";
  }

  # Coarse class used in the cache key of the HTML templates
  if (req.http.X-UA-Device == "Spider") {
    set req.http.X-UA-Class = "bot";
  } elsif (req.http.X-UA-Device ~ "(?i)(tablet|ipad|tab|matepad|kindle fire)") {
    set req.http.X-UA-Class = "tablet";
  } elsif (req.http.X-UA-Device ~ "(?i)(iphone|ipod|smartphone|galaxy|pixel|phone|huawei|honor|xiaomi|oneplus|oppo|realme|vivo|motorola|nokia|lg|sony|htc|asus|zte|tcl|alcatel|tecno|infinix|itel|blackberry)") {
    set req.http.X-UA-Class = "mobile";
  } elsif (req.http.X-UA-Device ~ "(?i)(tv|roku|chromecast|xbox|playstation|nintendo|hbbtv)") {
    set req.http.X-UA-Class = "tv";
  } else {
    set req.http.X-UA-Class = "desktop";
  }
}

sub vcl_recv {
#FASTLY recv

  # Classify once: ESI fragments and restarts reuse the result
  if (req.restarts == 0 && !req.is_esi_subreq) {
    call ua_classify;
  }

  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }
  return(lookup);
}
