/**
 * Countries, and the words that name them in news (`Chilean`, `DRC`, `U.S.`), for telling
 * stories about one event apart from look-alikes elsewhere (README "Grouping"). Cities and
 * regions are not listed: they count as names.
 *
 * One line a country: its name, then other ways of writing it, `|`-separated.
 */
const COUNTRIES = `Afghanistan|Afghan
Albania|Albanian
Algeria|Algerian
Angola|Angolan
Argentina|Argentine|Argentinian
Armenia|Armenian
Australia|Australian
Austria|Austrian
Azerbaijan|Azerbaijani
Bahrain|Bahraini
Bangladesh|Bangladeshi
Belarus|Belarusian
Belgium|Belgian
Benin|Beninese
Bolivia|Bolivian
Bosnia|Bosnian
Botswana|Botswanan
Brazil|Brazilian
Bulgaria|Bulgarian
Burkina Faso|Burkinabe
Burundi|Burundian
Cambodia|Cambodian
Cameroon|Cameroonian
Canada|Canadian
Chad|Chadian
Chile|Chilean
China|Chinese|PRC
Colombia|Colombian
Congo|Congolese|DRC|Democratic Republic of Congo|Democratic Republic of the Congo
Costa Rica|Costa Rican
Croatia|Croatian
Cuba|Cuban
Cyprus|Cypriot
Czech Republic|Czech|Czechia
Denmark|Danish
Dominican Republic|Dominican
Ecuador|Ecuadorian|Ecuadorean
Egypt|Egyptian
El Salvador|Salvadoran
Eritrea|Eritrean
Estonia|Estonian
Ethiopia|Ethiopian
Finland|Finnish
France|French
Gabon|Gabonese
Georgia|Georgian
Germany|German
Ghana|Ghanaian
Greece|Greek
Greenland|Greenlandic
Guatemala|Guatemalan
Guinea|Guinean
Guyana|Guyanese
Haiti|Haitian
Honduras|Honduran
Hungary|Hungarian
Iceland|Icelandic
India|Indian
Indonesia|Indonesian
Iran|Iranian
Iraq|Iraqi
Ireland|Irish
Israel|Israeli
Italy|Italian
Ivory Coast|Ivorian|Cote d'Ivoire|Côte d'Ivoire
Jamaica|Jamaican
Japan|Japanese
Jordan|Jordanian
Kazakhstan|Kazakh|Kazakhstani
Kenya|Kenyan
Kuwait|Kuwaiti
Kyrgyzstan|Kyrgyz
Laos|Lao|Laotian
Latvia|Latvian
Lebanon|Lebanese
Liberia|Liberian
Libya|Libyan
Lithuania|Lithuanian
Luxembourg|Luxembourgish
Madagascar|Malagasy
Malawi|Malawian
Malaysia|Malaysian
Mali|Malian
Mauritania|Mauritanian
Mexico|Mexican
Moldova|Moldovan
Mongolia|Mongolian
Montenegro|Montenegrin
Morocco|Moroccan
Mozambique|Mozambican
Myanmar|Burmese|Burma
Namibia|Namibian
Nepal|Nepalese|Nepali
Netherlands|Dutch|Holland
New Zealand|New Zealander
Nicaragua|Nicaraguan
Niger|Nigerien
Nigeria|Nigerian
North Korea|North Korean
North Macedonia|Macedonian
Norway|Norwegian
Oman|Omani
Pakistan|Pakistani
Panama|Panamanian
Papua New Guinea|PNG
Paraguay|Paraguayan
Peru|Peruvian
Philippines|Philippine|Filipino
Poland|Polish
Portugal|Portuguese
Qatar|Qatari
Romania|Romanian
Russia|Russian
Rwanda|Rwandan
Saudi Arabia|Saudi
Senegal|Senegalese
Serbia|Serbian
Sierra Leone|Sierra Leonean
Singapore|Singaporean
Slovakia|Slovak
Slovenia|Slovenian
Somalia|Somali
South Africa|South African
South Korea|South Korean|Korea|Korean
South Sudan|South Sudanese
Spain|Spanish
Sri Lanka|Sri Lankan
Sudan|Sudanese
Suriname|Surinamese
Sweden|Swedish
Switzerland|Swiss
Syria|Syrian
Taiwan|Taiwanese
Tajikistan|Tajik
Tanzania|Tanzanian
Thailand|Thai
Togo|Togolese
Tunisia|Tunisian
Turkey|Turkish|Türkiye
Turkmenistan|Turkmen
Uganda|Ugandan
Ukraine|Ukrainian
United Arab Emirates|UAE|Emirati
United Kingdom|UK|U.K.|Britain|British|Great Britain|England|English|Scotland|Scottish|Wales|Welsh
United States|US|U.S.|USA|U.S.A.|America|American
Uruguay|Uruguayan
Uzbekistan|Uzbek
Venezuela|Venezuelan
Vietnam|Vietnamese|Viet Nam
Yemen|Yemeni
Zambia|Zambian
Zimbabwe|Zimbabwean`;

/** The country a name or adjective stands for, by its lower-case spelling. */
const PLACE_BY_NAME: ReadonlyMap<string, string> = new Map(
  COUNTRIES.split('\n').flatMap((line) => {
    const [country = '', ...others] = line.split('|');
    return [country, ...others].map((name) => [name.toLowerCase(), country] as const);
  }),
);

/**
 * The country a name stands for, or undefined.
 *
 * @example
 * placeOf('chilean') // 'Chile'
 */
export function placeOf(lowerCaseName: string): string | undefined {
  return PLACE_BY_NAME.get(lowerCaseName);
}
